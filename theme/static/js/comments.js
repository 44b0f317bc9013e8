/* The comment form, enhanced: a fresh form token, reply links, and the result shown inline.
   Without this script the form still works: a plain POST, then the service's status page.
   Everything the service sends back is shown with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form || !window.fetch || !window.URL) return;

  var endpoint = new URL(form.getAttribute("action"), document.baseURI);
  var result = form.querySelector(".comment-result");
  var button = form.querySelector("button[type=submit]");
  var replying = form.querySelector(".comment-replying");
  var tokenField = form.elements.token;
  var correctionUrl = null;
  var tokenRequested = false;

  // A page served without the comment service (`make preview`, Pelican's own server, or the
  // service down) answers in HTML, not JSON: say so instead of sending the reader to an error.
  function isServiceAnswer(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }
  var onThisComputer = /^(127\.0\.0\.1|localhost|\[::1\])$/.test(window.location.hostname);
  function sayServiceMissing() {
    if (onThisComputer) {
      show("error", "Comments are served by `make run`.", [
        "This preview shows the pages only; nothing you write here can be sent.",
        "Run `make run` to try the comment form with the comment service."
      ], null);
    } else {
      show("error", "The comment service is not answering: nothing was sent.",
           ["Please try again in a few minutes."], null);
    }
  }

  function fetchToken() {
    tokenRequested = true;
    var url = new URL(endpoint.href.replace(/\/$/, "") + "/token");
    url.searchParams.set("article", form.dataset.article || form.elements.article.value);
    return fetch(url, { credentials: "omit" })
      .then(function (r) {
        if (!isServiceAnswer(r)) { sayServiceMissing(); return {}; }
        return r.ok ? r.json() : {};
      })
      .then(function (data) { tokenField.value = data.token || ""; })
      .catch(function () {
        tokenField.value = "";
        // Pelican's preview server drops the connection; elsewhere the post itself will tell.
        if (onThisComputer) sayServiceMissing();
      });
  }
  form.addEventListener("focusin", function () { if (!tokenRequested) fetchToken(); });

  function setReplyTo(id) {
    form.elements.reply_to.value = id || "";
    if (!replying) return;
    replying.hidden = !id;
    var target = replying.querySelector(".comment-replying__id");
    if (target) target.textContent = id || "";
    var link = replying.querySelector(".comment-replying__target");
    if (link && id) link.setAttribute("href", "#comment-" + id);
  }
  document.addEventListener("click", function (event) {
    var reply = event.target.closest && event.target.closest("[data-reply-to]");
    if (reply) {
      setReplyTo(reply.getAttribute("data-reply-to"));
      form.elements.body.focus();
    }
    if (event.target.closest && event.target.closest(".comment-replying__cancel")) setReplyTo("");
  });

  // A reason about one field is shown under that field too, and the field says so to screen
  // readers (aria-invalid, aria-describedby), so nobody has to match the summary to the form.
  var FIELDS = { name: "name", url: "url", email: "email", body: "body", indieauth: "url" };
  var marked = [];
  function clearFieldReasons() {
    marked.forEach(function (entry) {
      entry.note.parentNode.removeChild(entry.note);
      entry.input.removeAttribute("aria-invalid");
      if (entry.describedBy) entry.input.setAttribute("aria-describedby", entry.describedBy);
      else entry.input.removeAttribute("aria-describedby");
    });
    marked = [];
  }
  function markField(field, text) {
    var input = FIELDS.hasOwnProperty(field) ? form.elements[FIELDS[field]] : null;
    if (!input || !input.parentNode) return null;
    var note = document.createElement("p");
    note.className = "field__error";
    note.id = "comment-reason-" + (marked.length + 1);
    note.textContent = text;
    input.parentNode.appendChild(note);
    var describedBy = input.getAttribute("aria-describedby");
    marked.push({ input: input, note: note, describedBy: describedBy });
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + note.id);
    return input;
  }

  function show(kind, heading, lines, link) {
    result.textContent = "";
    result.className = "comment-result comment-result--" + kind;
    var title = document.createElement("p");
    title.className = "comment-result__title";
    title.textContent = heading;
    result.appendChild(title);
    if (lines.length) {
      var list = document.createElement("ul");
      lines.forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      });
      result.appendChild(list);
    }
    if (link) {
      var more = document.createElement("p");
      var anchor = document.createElement("a");
      anchor.href = link;
      anchor.textContent = "Your comment's status page";
      more.appendChild(anchor);
      result.appendChild(more);
    }
  }

  // "Sign in with your blog" (IndieAuth): the browser goes to the blog's server and back.
  // What the reader wrote waits in this tab's sessionStorage; the service's proof comes back
  // in the address's fragment (never sent to a server) and rides in the form's hidden field.
  var signIn = document.getElementById("comment-signin");
  var signInRow = form.querySelector(".comment-signin");
  var DRAFT = "comment-draft:" + (form.dataset.article || "");
  var KEPT = ["name", "url", "email", "body", "reply_to"];
  function signInSays(text) {
    var status = signInRow.querySelector(".comment-signin__status");
    status.textContent = text;
  }
  if (signIn && signInRow && form.elements.indieauth && window.sessionStorage) {
    signInRow.hidden = false;
    signInRow.querySelector("button").addEventListener("click", function () {
      clearFieldReasons();
      if (!form.elements.url.value.trim()) {
        var url = markField("url", "Enter your blog's address first, then sign in with it.");
        if (url) url.focus();
        return;
      }
      var draft = {};
      KEPT.forEach(function (key) { draft[key] = form.elements[key].value; });
      sessionStorage.setItem(DRAFT, JSON.stringify(draft));
      signIn.elements.url.value = form.elements.url.value.trim();
      signIn.elements.return.value = window.location.href.split("#")[0];
      signIn.submit();
    });
    // Back from the blog's server, signed in or not: what was written comes back first.
    var saved = JSON.parse(sessionStorage.getItem(DRAFT) || "null");
    if (saved) {
      KEPT.forEach(function (key) { if (saved[key]) form.elements[key].value = saved[key]; });
      setReplyTo(saved.reply_to || "");
      sessionStorage.removeItem(DRAFT);
    }
    var back = new URLSearchParams(window.location.hash.slice(1));
    if (back.get("indieauth")) {
      form.elements.indieauth.value = back.get("indieauth");
      signInSays("✓ Signed in as " + back.get("blog") + ": your comment will be marked as from your blog.");
      history.replaceState(null, "", window.location.pathname + window.location.search + "#comment-form");
      form.elements.body.focus();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = {};
    new FormData(form).forEach(function (value, key) { data[key] = value; });
    var target = correctionUrl || endpoint.href;
    button.disabled = true;
    fetch(target, {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(data)
    })
      .then(function (response) {
        if (!isServiceAnswer(response)) return { missing: true };
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (answer.missing) {
          sayServiceMissing();
          return;
        }
        var body = answer.body;
        clearFieldReasons();
        if (!answer.ok) {
          show("error", "Your comment was not sent: " + (body.error || "please try again."), [], null);
          if (body.field === "indieauth") {  // the sign-in no longer holds: send without it
            form.elements.indieauth.value = "";
            signInSays("Not signed in: send your comment as it is, or sign in again.");
          }
          var refused = markField(body.field, body.error || "");
          if (refused) refused.focus();
          return;
        }
        var statusPage = body.status_url ? new URL(body.status_url, endpoint).href : null;
        var lines = (body.reasons || []).slice();
        if (body.explanation) lines.push(body.explanation);
        show(body.status, body.message, lines, statusPage);
        var first = null;
        (body.problems || []).forEach(function (problem) {
          if (!problem.correctable) return;
          var input = markField(problem.field, problem.reason);
          first = first || input;
        });
        if (body.can_correct && statusPage) {
          if (first) first.focus();
          correctionUrl = statusPage.replace("/comments/", "/api/comments/");
          button.textContent = "Send the corrected comment";
        } else {
          correctionUrl = null;
          button.textContent = "Send comment";
          form.elements.body.value = "";
          setReplyTo("");
          fetchToken();  // a token is good for one comment
        }
      })
      .catch(function () {
        form.submit();  // the service could not be reached by script: fall back to a plain post
      })
      .then(function () { button.disabled = false; });
  });
})();
