-- What each organisation's coordinators may do, set by admins (issue 11): the
-- municipalities its roles may serve and the kinds of role it may have. Kept apart from
-- the organisation's own area (organisations.municipalities), which is what its roles
-- serve by default: widening what coordinators may do changes no route.
-- Seeded from what each organisation evidently does now: its area, its roles' areas and
-- its roles' kinds. An import adds the areas and kinds of the roles it brings.

CREATE TABLE org_scope (
    org_id         TEXT PRIMARY KEY REFERENCES organisations(id),
    municipalities TEXT NOT NULL,          -- JSON list, ["alla"] for every municipality
    kinds          TEXT NOT NULL           -- JSON list of kind slugs
);

INSERT INTO org_scope(org_id, municipalities, kinds)
SELECT o.id,
       CASE WHEN EXISTS (SELECT 1 FROM json_each(o.municipalities) WHERE value = 'alla')
            THEN '["alla"]'
            ELSE (SELECT json_group_array(m) FROM (
                      SELECT value AS m FROM json_each(o.municipalities)
                      UNION
                      SELECT a.value FROM roles r, json_each(r.serves) a
                      WHERE r.org_id = o.id AND r.serves IS NOT NULL))
       END,
       (SELECT json_group_array(k) FROM (SELECT DISTINCT kind AS k FROM roles
                                         WHERE org_id = o.id))
FROM organisations o;
