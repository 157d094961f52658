/*
 * SI joint assistant chat widget.
 *
 * Talks to Rasa's socketio channel (session_persistence: true) through socket.io-client 4, which
 * must be loaded first (window.io). Configured by data attributes on its own script tag; see the
 * README's "Embed the chat widget" section.
 *
 * Every message it sends, the opening payload too, carries a random message_id and stays in a
 * pending list, stored with the conversation, until the server acknowledges it (socket.io ack, sent
 * once its turn is done). The pending messages are sent again, oldest first, after every
 * session_confirm (a reconnection, perhaps to another server, or a reload) and when one has had no
 * acknowledgement for ACK_TIMEOUT_MS. A message sent as the server holding the connection dies is
 * so not lost, and one the server has answered already is acknowledged again without a second turn
 * (channels/delivered_messages.py).
 *
 * Safety rules this file keeps:
 * - every message is rendered with text nodes; nothing from the bot or the patient is ever parsed
 *   as HTML;
 * - only a bare http(s) URL in a bot message, on a host listed in data-link-hosts, becomes a link,
 *   and its text is the URL itself, so the patient always sees where it goes. Markdown-style
 *   [label](url), URLs on other hosts, and anything the patient typed stay plain text. Without
 *   data-link-hosts no link is made at all;
 * - the conversation and the messages not yet acknowledged are kept in sessionStorage only (gone
 *   when the tab closes), capped in size.
 */
(function () {
  "use strict";

  var MAX_STORED_MESSAGES = 100;
  var MAX_PENDING_MESSAGES = 20;
  var REPLY_TIMEOUT_MS = 20000;
  var ACK_TIMEOUT_MS = 15000;
  var MESSAGE_ID = /^[A-Za-z0-9_-]{8,64}$/;
  var URL_PATTERN = /https?:\/\/[^\s<>"]+/gi;
  var TRAILING_PUNCTUATION = /[.,;:!?)\]}'\u2019\u201d\u00bb]+$/;

  /* The widget's own words, by the page's language (data-lang); the assistant's replies come from
     the server, in the conversation's language. */
  var STRINGS = {
    en: {
      title: "SI joint assistant",
      subtitle: "Automated educational assistant, not medical advice",
      open: "Open chat with the ",
      close: "Close chat with the ",
      closeButton: "Close chat",
      launcher: "Chat",
      conversation: "Conversation",
      suggested: "Suggested replies",
      youSaid: "You said: ",
      assistant: "Assistant: ",
      inputLabel: "Type your question",
      placeholder: "Type your question\u2026",
      send: "Send",
      empty: "Please type a question first.",
      cannotLoad: "The chat could not load. Please try again later.",
      connectionLost: "Connection lost. Reconnecting\u2026",
      unreachable: "Can't reach the assistant right now. Retrying\u2026",
      typing: "The assistant is typing\u2026",
      connecting: "Connecting\u2026 your message will be sent when the chat is connected.",
      noReply: "No reply yet. Please check your connection or try again in a moment.",
      feedbackQuestion: "Was this helpful?",
      feedbackYes: "Yes",
      feedbackNo: "No",
      saidHelpful: "Yes, this was helpful",
      saidNotHelpful: "No, this was not helpful"
    },
    es: {
      title: "Asistente de la articulaci\u00f3n sacroil\u00edaca",
      subtitle: "Asistente educativo autom\u00e1tico, no consejo m\u00e9dico",
      open: "Abrir el chat con el ",
      close: "Cerrar el chat con el ",
      closeButton: "Cerrar el chat",
      launcher: "Chat",
      conversation: "Conversaci\u00f3n",
      suggested: "Respuestas sugeridas",
      youSaid: "Usted dijo: ",
      assistant: "Asistente: ",
      inputLabel: "Escriba su pregunta",
      placeholder: "Escriba su pregunta\u2026",
      send: "Enviar",
      empty: "Escriba primero una pregunta.",
      cannotLoad: "El chat no pudo cargarse. Int\u00e9ntelo de nuevo m\u00e1s tarde.",
      connectionLost: "Se perdi\u00f3 la conexi\u00f3n. Reconectando\u2026",
      unreachable: "No se puede contactar al asistente ahora. Reintentando\u2026",
      typing: "El asistente est\u00e1 escribiendo\u2026",
      connecting: "Conectando\u2026 su mensaje se enviar\u00e1 cuando el chat est\u00e9 conectado.",
      noReply: "Todav\u00eda no hay respuesta. Revise su conexi\u00f3n o int\u00e9ntelo de nuevo en un momento.",
      feedbackQuestion: "\u00bfLe sirvi\u00f3?",
      feedbackYes: "S\u00ed",
      feedbackNo: "No",
      saidHelpful: "S\u00ed, me sirvi\u00f3",
      saidNotHelpful: "No, no me sirvi\u00f3"
    }
  };

  var script = document.currentScript;
  if (!script) {
    return;
  }

  /* Host names (as URL.hostname gives them: lower case, punycode) from a comma or space separated
     list; entries that are not plain host names are dropped. */
  function parseHosts(list) {
    var hosts = {};
    String(list || "").split(/[\s,]+/).forEach(function (name) {
      name = name.replace(/\.+$/, "");
      if (!name || /[\/:@*?#\\]/.test(name)) {
        return;
      }
      try {
        hosts[new URL("https://" + name + "/").hostname] = true;
      } catch (error) {
        /* not a host name: ignored */
      }
    });
    return hosts;
  }

  function readConfig(tag) {
    var data = tag.dataset;
    var widgetBase = new URL(".", tag.src).href;
    var language = Object.prototype.hasOwnProperty.call(STRINGS, data.lang) ? data.lang : "en";
    var words = STRINGS[language];
    return {
      serverUrl: (data.serverUrl || "").replace(/\/+$/, ""),
      socketPath: data.socketPath || "/socket.io/",
      language: language,
      words: words,
      title: data.title || words.title,
      subtitle: data.subtitle || words.subtitle,
      initPayload: data.initPayload || "/greet",
      stylesheet: data.stylesheet || widgetBase + "si-chat.css",
      linkHosts: parseHosts(data.linkHosts),
      storageKey: "si-chat:" + (data.serverUrl || "")
    };
  }

  var config = readConfig(script);
  var words = config.words;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  /* ---- stored state: session id, messages, messages not yet acknowledged, open or closed ---- */

  function isPendingMessage(item) {
    return Boolean(item) && typeof item.id === "string" && MESSAGE_ID.test(item.id) &&
      typeof item.message === "string";
  }

  function loadState() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(config.storageKey) || "null");
      if (saved && Array.isArray(saved.messages)) {
        saved.pending = Array.isArray(saved.pending) ? saved.pending.filter(isPendingMessage) : [];
        return saved;
      }
    } catch (error) {
      /* storage blocked or corrupt: start afresh */
    }
    return { sessionId: null, messages: [], pending: [], open: false };
  }

  var state = loadState();

  function saveState() {
    state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    state.pending = state.pending.slice(-MAX_PENDING_MESSAGES);
    try {
      window.sessionStorage.setItem(config.storageKey, JSON.stringify(state));
    } catch (error) {
      /* private mode or quota: the chat still works, it just won't survive a reload */
    }
  }

  /* ---- rendering ---------------------------------------------------------------------------- */

  /* True for an http(s) URL on an allowed host, with no user name or password in it (they can make
     "https://trusted.example@evil.example/" look like the trusted host). */
  function linkable(url) {
    var parsed;
    try {
      parsed = new URL(url);
    } catch (error) {
      return false;
    }
    var host = parsed.hostname.replace(/\.+$/, "");
    return (parsed.protocol === "https:" || parsed.protocol === "http:") && !parsed.username &&
      !parsed.password && Object.prototype.hasOwnProperty.call(config.linkHosts, host);
  }

  /* Bot text with each bare http(s) URL on an allowed host made a link whose text is the URL. A URL
     right after "](" is the target of a markdown link, whose label could say anything: it stays
     text, like every other URL. */
  function appendTextWithLinks(parent, text) {
    var position = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      var trailing = (match.match(TRAILING_PUNCTUATION) || [""])[0];
      var url = match.slice(0, match.length - trailing.length);
      if (text.slice(Math.max(0, offset - 2), offset) === "](" || !linkable(url)) {
        return match;
      }
      parent.appendChild(document.createTextNode(text.slice(position, offset)));
      parent.appendChild(element("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url));
      position = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(position)));
  }

  function messageNode(message) {
    var from = message.from === "user" ? "user" : "bot";
    var item = element("div", { "class": "si-chat-message si-chat-message--" + from });
    item.appendChild(element("span", { "class": "si-chat-visually-hidden" }, from === "user" ? words.youSaid : words.assistant));
    var body = element("span", { "class": "si-chat-text" });
    if (from === "user") {
      body.textContent = String(message.text || ""); // the patient's own words never become links
    } else {
      appendTextWithLinks(body, String(message.text || ""));
    }
    item.appendChild(body);
    return item;
  }

  function quickRepliesNode(buttons) {
    var group = element("div", { "class": "si-chat-quick-replies", role: "group", "aria-label": words.suggested });
    buttons.forEach(function (button) {
      var choice = element("button", { type: "button", "class": "si-chat-quick-reply" }, button.title);
      choice.addEventListener("click", function () {
        sendMessage(button.title, button.payload);
      });
      group.appendChild(choice);
    });
    return group;
  }

  /* "Was this helpful?" under the latest answer, once: its buttons send the feedback payloads
     (the server thanks, and after "no" asks what was missing). */
  function feedbackNode(message) {
    var group = element("div", { "class": "si-chat-feedback", role: "group", "aria-labelledby": "si-chat-feedback-question" });
    group.appendChild(element("span", { "class": "si-chat-feedback-question", id: "si-chat-feedback-question" }, words.feedbackQuestion));
    [[words.feedbackYes, words.saidHelpful, "/feedback_helpful"], [words.feedbackNo, words.saidNotHelpful, "/feedback_not_helpful"]]
      .forEach(function (choice) {
        var button = element("button", { type: "button", "class": "si-chat-feedback-choice", "aria-label": choice[1] }, choice[0]);
        button.addEventListener("click", function () {
          delete message.feedback;
          group.remove();
          sendMessage(choice[1], choice[2]);
          ui.input.focus();
        });
        group.appendChild(button);
      });
    return group;
  }

  /* ---- the widget's DOM --------------------------------------------------------------------- */

  var ui = {};

  function build() {
    var stylesheet = element("link", { rel: "stylesheet", href: config.stylesheet });
    document.head.appendChild(stylesheet);

    var root = element("div", { "class": "si-chat", id: "si-chat", lang: config.language });
    ui.launcher = element("button", {
      type: "button",
      "class": "si-chat-launcher",
      "aria-controls": "si-chat-panel",
      "aria-expanded": "false",
      "aria-label": words.open + config.title
    });
    ui.launcher.appendChild(element("span", { "class": "si-chat-launcher-icon", "aria-hidden": "true" }));
    ui.launcher.appendChild(element("span", { "class": "si-chat-launcher-label", "aria-hidden": "true" }, words.launcher));

    ui.panel = element("section", {
      "class": "si-chat-panel",
      id: "si-chat-panel",
      role: "dialog",
      "aria-modal": "false",
      "aria-labelledby": "si-chat-title",
      "aria-describedby": "si-chat-subtitle"
    });
    ui.panel.hidden = true;

    var header = element("div", { "class": "si-chat-header" });
    var titles = element("div", { "class": "si-chat-titles" });
    titles.appendChild(element("h2", { "class": "si-chat-title", id: "si-chat-title" }, config.title));
    titles.appendChild(element("p", { "class": "si-chat-subtitle", id: "si-chat-subtitle" }, config.subtitle));
    header.appendChild(titles);
    ui.close = element("button", { type: "button", "class": "si-chat-close", "aria-label": words.closeButton }, "\u00d7");
    header.appendChild(ui.close);

    ui.log = element("div", { "class": "si-chat-log", role: "log", "aria-live": "polite", "aria-label": words.conversation });
    ui.status = element("p", { "class": "si-chat-status", role: "status" });

    ui.form = element("form", { "class": "si-chat-form" });
    var label = element("label", { "for": "si-chat-input", "class": "si-chat-visually-hidden" }, words.inputLabel);
    ui.input = element("input", {
      id: "si-chat-input",
      "class": "si-chat-input",
      type: "text",
      autocomplete: "off",
      placeholder: words.placeholder
    });
    ui.send = element("button", { type: "submit", "class": "si-chat-send" }, words.send);
    ui.form.appendChild(label);
    ui.form.appendChild(ui.input);
    ui.form.appendChild(ui.send);

    ui.panel.appendChild(header);
    ui.panel.appendChild(ui.log);
    ui.panel.appendChild(ui.status);
    ui.panel.appendChild(ui.form);
    root.appendChild(ui.panel);
    root.appendChild(ui.launcher);
    document.body.appendChild(root);

    ui.launcher.addEventListener("click", function () {
      setOpen(ui.panel.hidden);
    });
    ui.close.addEventListener("click", function () {
      setOpen(false);
    });
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        setOpen(false);
      }
    });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.input.value.trim();
      if (!text) {
        setStatus(words.empty);
        return;
      }
      ui.input.value = "";
      sendMessage(text, text);
    });
  }

  function renderAll() {
    ui.log.textContent = "";
    state.messages.forEach(function (message, index) {
      ui.log.appendChild(messageNode(message));
      var isLast = index === state.messages.length - 1;
      if (isLast && message.feedback) {
        ui.log.appendChild(feedbackNode(message));
      }
      if (isLast && message.buttons && message.buttons.length) {
        ui.log.appendChild(quickRepliesNode(message.buttons));
      }
    });
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function addMessage(message) {
    Array.prototype.forEach.call(ui.log.querySelectorAll(".si-chat-quick-replies, .si-chat-feedback"), function (group) {
      group.remove();
    });
    state.messages.forEach(function (stored) {
      delete stored.buttons;
      delete stored.feedback;
    });
    state.messages.push(message);
    saveState();
    ui.log.appendChild(messageNode(message));
    if (message.feedback) {
      ui.log.appendChild(feedbackNode(message));
    }
    if (message.buttons && message.buttons.length) {
      ui.log.appendChild(quickRepliesNode(message.buttons));
    }
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function setStatus(text) {
    ui.status.textContent = text || "";
  }

  function setOpen(open) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    ui.launcher.setAttribute("aria-label", (open ? words.close : words.open) + config.title);
    state.open = open;
    saveState();
    if (open) {
      ui.input.focus();
      startConversation();
    } else {
      ui.launcher.focus();
    }
  }

  /* ---- talking to the Rasa server ----------------------------------------------------------- */

  var socket = null;
  var confirmed = false;
  var connection = 0; // session confirmations so far, to tell an old connection's answers
  var replyTimer = null;

  function connect() {
    if (typeof window.io !== "function") {
      setStatus(words.cannotLoad);
      return;
    }
    socket = window.io(config.serverUrl, { path: config.socketPath });
    socket.on("connect", function () {
      confirmed = false;
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function (sessionId) {
      // The server may replace a stored id it does not accept; its id is the one that gets replies.
      state.sessionId = typeof sessionId === "string" ? sessionId : sessionId && sessionId.session_id;
      confirmed = true;
      connection += 1;
      saveState();
      setStatus("");
      sendPending();
    });
    socket.on("bot_uttered", receive);
    socket.on("disconnect", function () {
      confirmed = false;
      setStatus(words.connectionLost);
    });
    socket.on("connect_error", function () {
      setStatus(words.unreachable);
    });
  }

  /* A random id the server recognises the message by when it is sent again (8 to 64 of
     [A-Za-z0-9_-]; here 32 hex digits). */
  function newMessageId() {
    var bytes = new Uint8Array(16);
    if (window.crypto && typeof window.crypto.getRandomValues === "function") {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) {
        bytes[i] = Math.floor(Math.random() * 256);
      }
    }
    return Array.prototype.map.call(bytes, function (byte) {
      return (byte + 256).toString(16).slice(1);
    }).join("");
  }

  function stillPending(id) {
    return state.pending.some(function (item) { return item.id === id; });
  }

  function acknowledge(id) {
    if (stillPending(id)) {
      state.pending = state.pending.filter(function (item) { return item.id !== id; });
      saveState();
    }
  }

  /* Emits one message; done(error, ack) is called once, with the server's acknowledgement, or with
     an error when none came within ACK_TIMEOUT_MS or the connection dropped. socket.timeout() is in
     socket.io-client 4.4 and later; an older 4.x client gets the same from a timer. */
  function emitWithAck(payload, done) {
    if (typeof socket.timeout === "function") {
      socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered", payload, done);
      return;
    }
    var finished = false;
    var timer = setTimeout(function () {
      finish(new Error("no acknowledgement"));
    }, ACK_TIMEOUT_MS);
    function finish(error, ack) {
      if (!finished) {
        finished = true;
        clearTimeout(timer);
        done(error, ack);
      }
    }
    socket.emit("user_uttered", payload, function (ack) {
      finish(null, ack);
    });
  }

  /* Sends a pending message over the confirmed connection, and again, on the same connection, when
     it is not acknowledged: at once after ACK_TIMEOUT_MS without an answer, ACK_TIMEOUT_MS after an
     answer that is not an acknowledgement (the server took no turn). A dropped connection leaves it
     to the next session_confirm. */
  function send(item) {
    if (!confirmed) {
      return; // sent by sendPending once the connection is confirmed
    }
    var sentOn = connection;
    var payload = { message: item.message, session_id: state.sessionId, message_id: item.id, language: config.language };
    emitWithAck(payload, function (error, ack) {
      if (!error && ack && ack.answered === true) {
        acknowledge(item.id);
        return;
      }
      setTimeout(function () {
        if (confirmed && sentOn === connection && stillPending(item.id)) {
          send(item);
        }
      }, error ? 0 : ACK_TIMEOUT_MS);
    });
  }

  function sendPending() {
    if (state.pending.length) {
      state.pending.forEach(send);
      awaitReply();
    }
  }

  function awaitReply() {
    clearTimeout(replyTimer);
    setStatus(confirmed ? words.typing : words.connecting);
    replyTimer = setTimeout(function () {
      setStatus(words.noReply);
    }, REPLY_TIMEOUT_MS);
  }

  /* Every message is pending, and kept with the conversation, until the server acknowledges it:
     while the connection is not confirmed this is the outbox. */
  function emitToBot(payload) {
    var item = { id: newMessageId(), message: payload };
    state.pending.push(item);
    saveState();
    send(item);
    awaitReply();
  }

  function sendMessage(shownText, payload) {
    addMessage({ from: "user", text: shownText });
    emitToBot(payload);
    ui.input.focus();
  }

  function startConversation() {
    if (state.messages.length === 0 && !state.started) {
      state.started = true;
      saveState();
      emitToBot(config.initPayload);
    }
  }

  function quickReplies(data) {
    var offered = data.quick_replies || data.buttons || [];
    return offered
      .filter(function (button) { return button && button.title && button.payload; })
      .map(function (button) { return { title: String(button.title), payload: String(button.payload) }; });
  }

  function receive(data) {
    if (!data || typeof data !== "object") {
      return;
    }
    var buttons = quickReplies(data);
    if (!data.text && !buttons.length) {
      return;
    }
    clearTimeout(replyTimer);
    setStatus("");
    addMessage({ from: "bot", text: String(data.text || ""), buttons: buttons, feedback: data.feedback === true });
  }

  function start() {
    build();
    renderAll();
    connect();
    if (state.open) {
      ui.panel.hidden = false;
      ui.launcher.setAttribute("aria-expanded", "true");
      ui.launcher.setAttribute("aria-label", words.close + config.title);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
