"""Rebuilding the topic model beside a server: a process of its own, one build at a time."""

from directory.model import Example
from directory.rebuild import ModelBuilder


async def test_a_new_example_is_learnt_by_a_build_beside_the_server(service, demo_db):
    await service.store.add_example(
        Example("grannen hör slag genom väggen varje natt", "vuxen-valdsutsatt", "nya"), "t")
    assert not await service.model_is_current()
    builder = ModelBuilder(demo_db, pause=0.05)
    builder.schedule()
    builder.schedule()  # asked twice while waiting: still one build
    await builder.wait()
    assert builder.builds == 1
    assert await service.model_is_current()  # the server's snapshot sees the new model


async def test_stopping_ends_a_build_under_way(demo_db):
    builder = ModelBuilder(demo_db, pause=0)
    builder.schedule()
    await builder.stop()
    assert builder.builds == 0 and not builder.running
