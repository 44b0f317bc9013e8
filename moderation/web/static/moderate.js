// Keyboard shortcuts for /moderate. The page works fully without this file: every action is
// a plain form button; this only moves the focus and presses those buttons for you.
//   j / k  next / previous comment      a  approve      r  go to the reason field
//   s      spam                          ?  show or hide the list of shortcuts
(function () {
  "use strict";

  var cards = Array.prototype.slice.call(document.querySelectorAll(".comment-card"));
  var help = document.getElementById("shortcuts");

  // Keys typed into a field are text, not shortcuts; on a button or a checkbox they are free.
  var FIELDS = 'textarea, select, [contenteditable], input:not([type="checkbox"]):not([type="radio"])';

  function typing(target) {
    return Boolean(target && target.closest && target.closest(FIELDS));
  }

  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest(".comment-card") : null;
  }

  function focusCard(card) {
    if (!card) return;
    card.focus();
    card.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var index = cards.indexOf(current());
    var next = index === -1 ? (step > 0 ? 0 : cards.length - 1) : index + step;
    focusCard(cards[Math.max(0, Math.min(cards.length - 1, next))]);
  }

  function press(action) {
    var card = current();
    var button = card && card.querySelector('.actions button[value="' + action + '"]');
    if (button) button.click();
  }

  function reason() {
    var card = current();
    var field = card && card.querySelector(".reason-select");
    if (field) field.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (typing(event.target)) return;
    var handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": press("approve"); break;
      case "s": press("spam"); break;
      case "r": reason(); break;
      case "?": if (help) help.open = !help.open; break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
