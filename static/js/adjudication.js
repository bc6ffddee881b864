// Adjudication page: move between disagreements, take a coder's answer or give your own,
// confirm; every decision is saved at once and the row shows the consensus it produced.
(function () {
  "use strict";
  var table = document.getElementById("adjudication");
  var dataNode = document.getElementById("adjudication-data");
  if (!table || !dataNode || !table.dataset.decideUrl) return;
  var data = JSON.parse(dataNode.textContent);
  var url = table.dataset.decideUrl;
  var panel = document.getElementById("decision-panel");
  var panelItem = document.getElementById("panel-item");
  var reason = document.getElementById("decision-reason");
  var editor = document.getElementById("own-editor");
  var choicesBox = document.getElementById("own-choices");
  var message = document.getElementById("decision-message");
  var undecidedCount = document.getElementById("undecided-count");
  var sourceButtons = Array.prototype.slice.call(panel.querySelectorAll("[data-source]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-item]"));
  var disagreements = rows.filter(function (r) { return r.classList.contains("adj-disagree"); });
  var current = null;
  var pending = null;

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function label(item, answer) {
    if (item.min !== undefined) return answer === null ? "not rated" : String(answer);
    if (!answer.length) return "no code";
    return answer.map(function (id) { return data.codes[id].abbreviation; }).join(", ");
  }

  function choose(source) {
    pending = source;
    sourceButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.source === String(source)));
      b.classList.toggle("active", b.dataset.source === String(source));
    });
    editor.hidden = source !== "own";
    message.textContent = "";
    if (source === "own") {
      var first = choicesBox.querySelector("input");
      if (first) first.focus();
    }
  }

  function buildEditor(item, key) {
    choicesBox.textContent = "";
    var own = item.min !== undefined ? currentValue(key) : currentCodes(key);
    function add(type, value, text, checked) {
      var id = "own-" + value;
      var wrap = document.createElement("div");
      wrap.className = "form-check";
      var input = document.createElement("input");
      input.className = "form-check-input";
      input.type = type;
      input.name = "own";
      input.id = id;
      input.value = value;
      input.checked = checked;
      var lab = document.createElement("label");
      lab.className = "form-check-label";
      lab.htmlFor = id;
      lab.textContent = text;
      wrap.appendChild(input);
      wrap.appendChild(lab);
      choicesBox.appendChild(wrap);
    }
    if (item.min !== undefined) {
      for (var v = item.min; v <= item.max; v += 1) add("radio", v, String(v), own === v);
    } else {
      item.choices.forEach(function (id) {
        add("checkbox", id, data.codes[id].abbreviation, own.indexOf(id) >= 0);
      });
    }
  }

  function currentCodes(key) {
    return data.items[key].consensus || [];
  }

  function currentValue(key) {
    return data.items[key].consensus;
  }

  function select(row) {
    if (!row) return;
    if (current) current.classList.remove("adj-current");
    current = row;
    row.classList.add("adj-current");
    row.scrollIntoView({ block: "center" });
    var key = row.dataset.item;
    var item = data.items[key];
    panel.hidden = false;
    panelItem.textContent = row.dataset.label;
    sourceButtons.forEach(function (b, index) {
      var span = b.querySelector(".panel-answer");
      if (span) span.textContent = label(item, item.answers[index]);
    });
    buildEditor(item, key);
    reason.value = "";
    pending = null;
    choose(null);
  }

  function step(delta) {
    if (!disagreements.length) return;
    var index = disagreements.indexOf(current);
    if (index < 0) {
      index = delta > 0 ? 0 : disagreements.length - 1;
    } else {
      index = (index + delta + disagreements.length) % disagreements.length;
    }
    select(disagreements[index]);
  }

  function nextUndecided() {
    var start = disagreements.indexOf(current);
    for (var i = 1; i <= disagreements.length; i += 1) {
      var row = disagreements[(start + i) % disagreements.length];
      if (!row.classList.contains("adj-decided")) return row;
    }
    return null;
  }

  function confirm() {
    if (!current) return;
    if (pending === null) {
      message.textContent = "Choose a coder's answer (1, 2, …) or your own (e) first.";
      return;
    }
    var key = current.dataset.item;
    var item = data.items[key];
    var body = new FormData();
    body.append("item", key);
    body.append("source", pending);
    body.append("reason", reason.value);
    if (pending === "own") {
      var picked = Array.prototype.slice.call(choicesBox.querySelectorAll("input:checked"));
      if (item.min !== undefined) {
        if (!picked.length) {
          message.textContent = "Choose a value.";
          return;
        }
        body.append("value", picked[0].value);
      } else {
        body.append("codes", picked.map(function (i) { return i.value; }).join(","));
      }
    }
    var row = current;
    fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, json: json }; });
      })
      .then(function (result) {
        if (!result.ok) {
          message.textContent = result.json.error || "Not saved.";
          return;
        }
        var json = result.json;
        row.querySelector(".adj-consensus").textContent = json.consensus;
        row.querySelector(".adj-decision").textContent = json.decision;
        row.classList.add("adj-decided");
        if (pending === "own") {
          var chosen = Array.prototype.slice.call(choicesBox.querySelectorAll("input:checked"))
            .map(function (i) { return Number(i.value); });
          item.consensus = item.min !== undefined ? chosen[0] : chosen;
        } else {
          var index = data.sources.findIndex(function (s) { return String(s.id) === String(pending); });
          item.consensus = item.answers[index];
        }
        if (undecidedCount) {
          undecidedCount.textContent = disagreements.filter(function (r) {
            return !r.classList.contains("adj-decided");
          }).length;
        }
        var next = nextUndecided();
        if (next) {
          select(next);
        } else {
          message.textContent = "Every disagreement is decided; finish to submit the consensus.";
          document.getElementById("finish-adjudication").focus();
        }
      })
      .catch(function () {
        message.textContent = "Not saved: the server could not be reached. Try again.";
      });
  }

  rows.forEach(function (row) {
    row.addEventListener("click", function () { select(row); });
  });
  sourceButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      choose(button.dataset.source === "own" ? "own" : button.dataset.source);
    });
  });
  document.getElementById("decision-confirm").addEventListener("click", confirm);

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var typing = target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
      (target.tagName === "INPUT" && target.type !== "checkbox" && target.type !== "radio");
    var inEditor = editor.contains(target);
    if (event.key === "Escape") {
      if (typing || inEditor) target.blur();
      choose(null);
      return;
    }
    if (event.key === "Enter") {
      if (!current || (target.tagName === "BUTTON" && !panel.contains(target))) return;
      if (target.tagName === "A") return;
      event.preventDefault();
      confirm();
      return;
    }
    if (typing || inEditor) return;
    var key = event.key;
    if (key === "n" || key === "j") {
      event.preventDefault();
      step(1);
    } else if (key === "p" || key === "k") {
      event.preventDefault();
      step(-1);
    } else if (key === "e" && current) {
      event.preventDefault();
      choose("own");
    } else if (/^[1-9]$/.test(key) && current) {
      var source = data.sources[Number(key) - 1];
      if (source) {
        event.preventDefault();
        choose(String(source.id));
      }
    }
  });
})();
