/* Baton widget add-on: sending files (issue 12). Fetched by the widget the first time a chat
 * reaches a person (widget/src/web/attach.rs), never with the widget itself; the widget calls
 * init(panel, url, label, failed) again on every later phase change. It puts a paperclip (a
 * real file input, named by `label`) into the composer, and listens on the panel: a file
 * chosen, a screenshot pasted into the message box, or a file dropped on the chat is POSTed as
 * its own bytes to `url` (empty: back with the bot, no files). The edge checks the bytes and
 * the socket brings the file back into the chat; a refusal is said (`failed`, in the visitor's
 * language) in a live region of its own. No innerHTML, no globals. */
var CLIP = "M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z";
var CSS =
  ".clip{flex:none;width:42px;height:42px;display:flex;align-items:center;justify-content:center;color:#075985;cursor:pointer;border-radius:50%}" +
  ".clip svg{width:22px;height:22px;fill:currentColor}.clip:focus-within{outline:3px solid #1d4ed8;outline-offset:1px}" +
  ".bubble img{display:block;max-width:100%;max-height:160px;border-radius:8px;margin-bottom:4px}";

export function init(panel, url, label, failed) {
  var state = panel.batonFiles;
  if (state) {
    Object.assign(state, { url: url, label: label, failed: failed });
    state.place();
    return;
  }
  state = panel.batonFiles = { url: url, label: label, failed: failed };
  var root = panel.getRootNode();
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = root.adoptedStyleSheets.concat(sheet);
  var status = document.createElement("p");
  status.className = "alert";
  status.setAttribute("role", "alert");
  panel.querySelector(".alert").before(status);

  // The composer is rebuilt after a form: the paperclip goes back in whenever it is missing.
  var svgNs = "http://www.w3.org/2000/svg";
  state.place = function () {
    var form = panel.querySelector(".composer");
    var clip = form && form.querySelector(".clip");
    if (form && !clip) {
      clip = document.createElement("label");
      clip.className = "clip";
      var input = document.createElement("input");
      input.type = "file";
      input.className = "sr";
      input.accept = "image/*,application/pdf,text/plain";
      var name = document.createElement("span");
      name.className = "sr";
      var icon = document.createElementNS(svgNs, "svg");
      icon.setAttribute("viewBox", "0 0 24 24");
      icon.setAttribute("aria-hidden", "true");
      var path = document.createElementNS(svgNs, "path");
      path.setAttribute("d", CLIP);
      icon.appendChild(path);
      clip.append(input, name, icon);
      form.prepend(clip);
    }
    // Only real changes: the observer sees our own writes too.
    if (clip) {
      clip.hidden = !state.url;
      var name = clip.querySelector("span");
      if (name.textContent != state.label) name.textContent = state.label;
    }
  };
  new MutationObserver(state.place).observe(panel, { childList: true, subtree: true });
  state.place();

  function send(files) {
    var file = files && files[0];
    if (!state.url || !file) return false;
    status.textContent = "";
    fetch(state.url + "&name=" + encodeURIComponent(file.name), { method: "POST", body: file })
      .then(function (r) { return r.ok; }, function () { return false; })
      .then(function (ok) { status.textContent = ok ? "" : state.failed; });
    return true;
  }
  panel.addEventListener("change", function (e) {
    if (e.target.type == "file") {
      send(e.target.files);
      e.target.value = "";
    }
  });
  // A pasted screenshot is sent; pasted text is left to the message box.
  panel.addEventListener("paste", function (e) {
    if (send(e.clipboardData && e.clipboardData.files)) e.preventDefault();
  });
  // Cancelled, or the browser would open a dropped file in place of the page.
  ["dragover", "drop"].forEach(function (type) {
    panel.addEventListener(type, function (e) {
      if (!state.url) return;
      e.preventDefault();
      if (type == "drop") send(e.dataTransfer && e.dataTransfer.files);
    });
  });
}
