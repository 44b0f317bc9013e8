/*
 * Click-to-load video embeds.
 *
 * The embeds plugin writes each video as a <figure class="video-embed"> holding a hidden
 * "Play" button and a plain link to the video. Nothing is requested from the video host
 * until the reader presses Play: only then is the player iframe created (with DOM APIs,
 * never innerHTML) from the figure's data-embed-src and data-title.
 */
(function () {
  "use strict";

  function embedUrl(figure) {
    var raw = figure.getAttribute("data-embed-src") || "";
    var url;
    try {
      url = new URL(raw, document.baseURI);
    } catch (e) {
      return null;
    }
    // Only ever load a player over HTTPS: never javascript:, data: or a local path.
    if (url.protocol !== "https:") {
      return null;
    }
    return url.href;
  }

  function load(figure, frame) {
    var src = embedUrl(figure);
    if (!src) {
      return;
    }
    var iframe = document.createElement("iframe");
    iframe.setAttribute("src", src);
    iframe.setAttribute("title", figure.getAttribute("data-title") || "Video");
    iframe.setAttribute("allow", "autoplay; fullscreen; picture-in-picture");
    iframe.setAttribute("allowfullscreen", "");
    iframe.setAttribute("loading", "lazy");
    iframe.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    while (frame.firstChild) {
      frame.removeChild(frame.firstChild);
    }
    frame.appendChild(iframe);
    figure.classList.add("is-playing");
    // The button the reader pressed is gone: keep keyboard focus in the same place.
    iframe.focus();
  }

  function enhance(figure) {
    var frame = figure.querySelector(".video-embed__frame");
    var button = figure.querySelector(".video-embed__play");
    if (!frame || !button || !embedUrl(figure)) {
      return;
    }
    button.hidden = false;
    figure.classList.add("is-ready");
    button.addEventListener("click", function () {
      load(figure, frame);
    });
  }

  function init() {
    var figures = document.querySelectorAll("figure.video-embed[data-embed-src]");
    for (var i = 0; i < figures.length; i += 1) {
      enhance(figures[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
