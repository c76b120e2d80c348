// The chat page without reloading: forms marked data-chat are posted with fetch and the
// server's HTML fragment of the new messages is appended. Without JavaScript the same
// forms post normally and the page reloads (progressive enhancement).
(function () {
  "use strict";
  var log = document.getElementById("samtal");
  var input = document.getElementById("fraga");
  if (!log || !window.fetch || !window.FormData) {
    return;
  }
  var busy = false;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-chat") || busy) {
      return;
    }
    event.preventDefault();
    busy = true;
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    }).then(function (html) {
      var empty = document.getElementById("tomt");
      if (empty) {
        empty.remove();
      }
      log.insertAdjacentHTML("beforeend", html);
      var replies = log.querySelectorAll("li.msg.theirs");
      var last = replies[replies.length - 1];
      if (form.id === "fraga-form") {
        input.value = "";
        if (last) {
          last.scrollIntoView({ block: "nearest" });
        }
        input.focus();
      } else if (last) {
        last.focus();
      }
    }).catch(function () {
      form.submit();
    }).then(function () {
      busy = false;
      if (button) {
        button.disabled = false;
      }
    });
  });
})();
