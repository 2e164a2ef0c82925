/* Baton widget loader, served as /widget.js (minified by scripts/build-widget.sh, which also
 * fills in the content-hashed file names below). What a site embeds:
 *   <script src="https://EDGE/widget.js" data-site="SITE" async></script>
 * It draws only the launcher, inside a shadow root, and fetches nothing more until the visitor
 * shows intent: hovers, focuses or touches the launcher, or opens the chat (most visitors never
 * do, and then the host page pays for this file only). Idle preloading instead: add
 * data-preload="idle" to the tag; a visitor with a conversation stored on this device gets it
 * too (their unread badge needs the socket). Its one global is
 * window.Baton (see README "Widget"); calls made before it loads are queued, including the
 * Crisp-style array form: window.Baton = window.Baton || []; Baton.push(["open"]).
 * No innerHTML and no <style> element: works under strict CSP and Trusted Types. */
(function (w, d) {
  var script = d.currentScript;
  var api = w.Baton;
  if (!script || (api && api.version)) return;
  var site = script.getAttribute("data-site") || "";
  var base = new URL("./", script.src).href;
  var files = base + "widget/";
  var openKey = "baton:" + site + ":open";
  var preload = script.getAttribute("data-preload") == "idle";
  var queue = [];
  var listeners = {};
  var run, loading;

  var host = d.createElement("baton-chat");
  var root = host.attachShadow({ mode: "open" });
  // :host rules marked !important beat the page's own !important rules on the host element,
  // so `* { all: unset }` or `div { display: none !important }` cannot hide the widget.
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(
    ":host{all:initial!important;display:block!important;position:static!important}" +
      "[hidden]{display:none!important}" +
      ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;" +
      "margin:0;padding:0;border:0;border-radius:50%;background:#075985;color:#fff;cursor:pointer;" +
      "display:flex;align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(15,23,42,.3)}" +
      ".launcher:focus-visible{outline:3px solid #1d4ed8;outline-offset:3px}" +
      ".launcher svg{width:28px;height:28px;fill:currentColor}" +
      ".badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;" +
      "border-radius:11px;background:#b91c1c;color:#fff;font:700 12px/22px system-ui,sans-serif}" +
      ".panel{z-index:2147483000}"
  );
  root.adoptedStyleSheets = [sheet];

  function el(name, attrs, ns) {
    var e = ns ? d.createElementNS(ns, name) : d.createElement(name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  // A placeholder until the widget mounts its own launcher in the same place.
  var svgNs = "http://www.w3.org/2000/svg";
  var placeholder = el("aside", { "aria-label": "Chat" });
  var button = el("button", { type: "button", class: "launcher", "aria-label": "Chat" });
  var icon = el("svg", { viewBox: "0 0 24 24", "aria-hidden": "true" }, svgNs);
  icon.appendChild(
    el("path", { d: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" }, svgNs)
  );
  button.appendChild(icon);
  placeholder.appendChild(button);
  root.appendChild(placeholder);
  button.addEventListener("click", function () {
    call("open");
  });
  // Intent: the fetch starts on the way to a click (a hover or touch comes 100+ ms before it).
  ["pointerenter", "pointerdown", "touchstart", "focus"].forEach(function (type) {
    button.addEventListener(type, function () {
      load();
    }, { passive: true });
  });
  // Runs `f` once the launcher is not pressed: replaced under a press, the release would land
  // on the widget's own launcher and the browser would fire no click (the chat stayed shut).
  function settle(f) {
    button.matches(":active") ? setTimeout(settle, 50, f) : f();
  }

  function emit(name, detail) {
    (listeners[name] || []).slice().forEach(function (f) {
      try {
        f(detail);
      } catch (e) {
        setTimeout(function () {
          throw e;
        });
      }
    });
  }

  function load() {
    if (!loading) {
      var text = function (r) {
        return r.text();
      };
      loading = Promise.all([
        import(files + "__BATON_JS__"),
        fetch(files + "__BATON_CSS__").then(text),
        // The site's name, language and live-chat switch, fetched alongside the module.
        fetch(base + "api/v1/sites/" + encodeURIComponent(site) + "/widget-config")
          .then(text)
          .catch(function () {}),
      ])
        .then(function (r) {
          var css = new CSSStyleSheet();
          css.replaceSync(r[1]);
          return r[0].default({ module_or_path: files + "__BATON_WASM__" }).then(function () {
            return new Promise(settle);
          }).then(function () {
            var focused = root.activeElement === button;
            root.adoptedStyleSheets = [sheet, css];
            var config = {};
            try {
              config = JSON.parse(r[2]);
            } catch (e) {}
            run = r[0].start(root, { site: site, base: base, emit: emit, config: config });
            placeholder.remove();
            if (focused) root.querySelector(".launcher").focus();
            queue.splice(0).forEach(function (c) {
              run(c[0], c[1]);
            });
          });
        })
        .catch(function (e) {
          loading = null;
          console.error("Baton: the chat widget failed to load", e);
        });
    }
    return loading;
  }

  function call(name, arg) {
    if (run) return run(name, arg);
    queue.push([name, arg]);
    if (name == "open" || name == "toggle" || name == "send") load();
  }

  var baton = {
    version: 1,
    open: function () { call("open"); },
    close: function () { call("close"); },
    toggle: function () { call("toggle"); },
    setLocale: function (tag) { call("locale", tag); },
    identify: function (user) { call("identify", user); },
    reset: function () { call("reset"); },
    send: function (text) { call("send", text); },
    on: function (name, f) {
      (listeners[name] = listeners[name] || []).push(f);
      return baton;
    },
    off: function (name, f) {
      listeners[name] = (listeners[name] || []).filter(function (g) {
        return g !== f;
      });
      return baton;
    },
    push: function (c) {
      var f = baton[c[0]];
      if (f) f.apply(baton, c.slice(1));
    },
  };
  w.Baton = baton;
  (Array.isArray(api) ? api : []).forEach(baton.push);

  try {
    // Open again on the next page of this tab if it was open (set by the widget).
    if (sessionStorage.getItem(openKey)) call("open");
    // A conversation on this device: the visitor has chatted here, and may have unread answers.
    if (localStorage.getItem("baton:" + site)) preload = true;
  } catch (e) {}

  function mount() {
    d.body.appendChild(host);
  }
  if (d.body) mount();
  else d.addEventListener("DOMContentLoaded", mount);

  function idle() {
    (w.requestIdleCallback || setTimeout)(load, { timeout: 4000 });
  }
  if (preload) {
    if (d.readyState == "complete") idle();
    else w.addEventListener("load", idle);
  }
})(window, document);
