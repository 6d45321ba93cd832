/* The resident's form keeps what was typed (适老化, docs/accessibility.md): in this browser's
   storage, per form page, as it is typed, for two hours. Closed by mistake or reloaded, the page
   fills it in again (with a button to clear it), one-time key included unless the draft had
   already left for the server, so a retry still stores one opinion and nobody is shown an
   earlier sender's receipt. Sent while the network is down, it waits and sends itself when the
   network is back. Names and phone numbers are not kept (a shared phone). Without script the
   form works as before. */
(function () {
  "use strict";
  var PREFIX = "liaison-draft:";
  var KEPT = ["form_key", "text", "address_line", "area", "category", "request_type"];
  // Long enough for a dropped network or a closed tab; short enough that the next person on a
  // shared phone does not find it.
  var KEEP_FOR = 2 * 3600 * 1000;
  var storage;
  try {
    storage = window.localStorage;
    storage.setItem(PREFIX + "probe", "1");
    storage.removeItem(PREFIX + "probe");
  } catch (e) {
    return; // storage blocked (private mode of some browsers): the form works as before
  }

  // The receipt: the opinion arrived, forget every draft.
  if (document.querySelector("[data-draft-sent]")) {
    Object.keys(storage).forEach(function (key) {
      if (key.indexOf(PREFIX) === 0) storage.removeItem(key);
    });
    return;
  }

  var form = document.querySelector("form[data-keep-draft]");
  if (!form) return;
  var key = PREFIX + location.pathname;
  var status = form.querySelector("[data-draft-status]");

  function field(name) {
    return form.elements.namedItem(name);
  }
  function valueOf(name) {
    var el = field(name);
    return el ? el.value : "";
  }
  function setValue(name, value) {
    var el = field(name);
    if (!el || value == null) return;
    if (typeof RadioNodeList !== "undefined" && el instanceof RadioNodeList) {
      el.value = value;
    } else if (el.value === "" || name === "form_key") {
      el.value = value;
    }
  }
  function save() {
    var draft = { saved: Date.now() };
    KEPT.forEach(function (name) { draft[name] = valueOf(name); });
    storage.setItem(key, JSON.stringify(draft));
  }
  function say(text) {
    if (status) { status.textContent = text; status.hidden = false; }
  }
  function offerClear() {
    if (!status) return;
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "button-secondary button-small";
    clear.textContent = form.getAttribute("data-clear");
    clear.addEventListener("click", function () {
      storage.removeItem(key);
      KEPT.forEach(function (name) {
        var el = field(name);
        if (el && name !== "form_key" && el.tagName === "TEXTAREA") el.value = "";
        if (el && name !== "form_key" && el.tagName === "INPUT" && el.type === "text") el.value = "";
      });
      status.hidden = true;
    });
    status.appendChild(document.createTextNode(" "));
    status.appendChild(clear);
  }

  var draft = null;
  try { draft = JSON.parse(storage.getItem(key) || "null"); } catch (e) { draft = null; }
  // Only a fresh page is filled in: a page the server sent back with errors holds what was
  // sent already.
  if (draft && Date.now() - draft.saved < KEEP_FOR && !form.querySelector(".errorlist") && draft.text) {
    KEPT.forEach(function (name) {
      // A draft that left for the server keeps its words but not its key: whoever presses
      // send next gets a receipt of their own, never the earlier one's.
      if (name !== "form_key" || !draft.sent) setValue(name, draft[name]);
    });
    say(form.getAttribute("data-restored"));
    offerClear();
  } else if (draft) {
    storage.removeItem(key);
  }

  var waiting = false;
  function waitThenSend() {
    if (waiting) return;
    waiting = true;
    // The "online" event, or a look every two seconds where a browser does not send it.
    var timer = window.setInterval(send, 2000);
    window.addEventListener("online", send);
    function send() {
      if (navigator.onLine === false || !waiting) return;
      waiting = false;
      window.clearInterval(timer);
      window.removeEventListener("online", send);
      var sent = JSON.parse(storage.getItem(key) || "{}");
      sent.sent = true;
      storage.setItem(key, JSON.stringify(sent));
      form.submit();
    }
  }

  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function (event) {
    save();
    if (navigator.onLine !== false) {
      var sent = JSON.parse(storage.getItem(key));
      sent.sent = true;
      storage.setItem(key, JSON.stringify(sent));
    }
    if (navigator.onLine === false) {
      event.preventDefault();
      say(form.getAttribute("data-offline"));
      waitThenSend();
    }
  });
})();
