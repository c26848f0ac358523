/* wagtail-passfamille: progressive enhancements only. Every page works without JavaScript;
   the server decides again everything done here (conditions, validation). */
(function () {
  "use strict";

  // Move focus to the error summary so screen reader users hear it first.
  var summary = document.getElementById("pf-error-summary");
  if (summary) { summary.focus(); }

  // After « Ajouter », « Retirer » or « Rechercher la commune », the page comes back with an
  // anchor (the new item, the group, the results): focus it, as a keyboard user expects.
  if (!summary && window.location.hash.length > 1) {
    var anchored = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (anchored && anchored.getAttribute("tabindex") === "-1") { anchored.focus(); }
  }

  // The idle time limit (WCAG 2.2.1): warn a few minutes before the answers are erased; the
  // « Prolonger le délai » button (there without JavaScript too) starts the delay anew.
  var timeout = document.getElementById("pf-timeout");
  if (timeout) {
    var left = parseInt(timeout.getAttribute("data-pf-expires-in"), 10);
    if (left > 0) {
      var before = Math.min(300, Math.floor(left / 4));
      window.setTimeout(function () {
        timeout.classList.add("pf-timeout--warning");
        timeout.querySelector(".pf-timeout__warning").textContent = timeout.getAttribute("data-pf-warning");
      }, (left - before) * 1000);
    }
  }

  // "Imprimer cette page" on the confirmation page.
  Array.prototype.forEach.call(document.querySelectorAll(".pf-print"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Certified-data blocks: show the identity inputs or the document upload, per the choice.
  Array.prototype.forEach.call(document.querySelectorAll("form.pf-form"), function (form) {
    var parts = form.querySelectorAll("[data-choice-show]");
    if (!parts.length) { return; }
    function sync() {
      Array.prototype.forEach.call(parts, function (part) {
        var checked = form.querySelector('input[name="' + part.getAttribute("data-choice-field") + '"]:checked');
        part.hidden = checked !== null && checked.value !== part.getAttribute("data-choice-show");
      });
    }
    form.addEventListener("change", sync);
    sync();
  });

  // Birthplace search as one types (the "Rechercher" button does the same without JavaScript).
  Array.prototype.forEach.call(document.querySelectorAll("[data-commune-search]"), function (box) {
    var input = box.querySelector('input[type="text"]');
    var results = box.querySelector(".pf-commune__results");
    var hidden = box.querySelector('input[type="hidden"]');
    if (!input || !results || !window.fetch) { return; }
    var name = hidden ? hidden.name : input.name.replace("commune_recherche", "commune");
    var timer = null;
    var button = box.querySelector('button[name="passfamille_search"]');
    // Enter in the search box searches (the server's search), instead of sending the step.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && button) {
        event.preventDefault();
        button.click();
      }
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) { return; }
      timer = window.setTimeout(function () {
        fetch(box.getAttribute("data-commune-search") + "?q=" + encodeURIComponent(query))
          .then(function (response) { return response.json(); })
          .then(function (data) {
            results.textContent = "";
            var fieldset = document.createElement("fieldset");
            fieldset.className = "pf-fieldset";
            var legend = document.createElement("legend");
            legend.className = "pf-label";
            legend.textContent = data.results.length
              ? results.getAttribute("data-choose-label") || "Choisissez votre commune de naissance"
              : results.getAttribute("data-none-label") || "Aucune commune ne correspond.";
            fieldset.appendChild(legend);
            function hint(text) {
              var p = document.createElement("p");
              p.className = "pf-hint"; p.textContent = text; fieldset.appendChild(p);
            }
            if (data.truncated && results.getAttribute("data-more-label")) { hint(results.getAttribute("data-more-label")); }
            if (!data.results.length && results.getAttribute("data-abroad-label")) { hint(results.getAttribute("data-abroad-label")); }
            data.results.forEach(function (commune, index) {
              var row = document.createElement("div");
              row.className = "pf-radio";
              var radio = document.createElement("input");
              radio.type = "radio"; radio.name = name; radio.value = commune.code;
              radio.id = name + "_js_" + index;
              var label = document.createElement("label");
              label.htmlFor = radio.id; label.textContent = commune.label;
              row.appendChild(radio); row.appendChild(label); fieldset.appendChild(row);
            });
            results.appendChild(fieldset);
          })
          .catch(function () { /* the Rechercher button still works */ });
      }, 250);
    });
  });

  // Conditions between fields of the same step: show or hide as the citizen answers.
  function normalise(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\s+/g, " ").trim().toLowerCase();
  }
  function inputValues(inputs) {
    var values = [];
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.type === "checkbox" && inputs.length === 1) { values.push(input.checked ? "oui" : ""); }
      else if (input.type === "checkbox" || input.type === "radio") { if (input.checked) { values.push(input.value); } }
      else if (input.value) { values.push(input.value); }
    });
    return values;
  }
  function valuesOf(form, prefix, name) {
    var dot = name.indexOf(".");
    if (dot === -1) {
      return inputValues(form.querySelectorAll('[name="' + prefix + "-" + name + '"]'));
    }
    // "enfants.pai": that sub-field in every item of group "enfants" (prefix-enfants-0-pai…).
    var start = prefix + "-" + name.slice(0, dot) + "-", end = "-" + name.slice(dot + 1);
    var byName = {};
    Array.prototype.forEach.call(form.querySelectorAll('[name^="' + start + '"]'), function (input) {
      var middle = input.name.slice(start.length, input.name.length - end.length);
      if (input.name.slice(-end.length) === end && /^[0-9]+$/.test(middle)) {
        (byName[input.name] = byName[input.name] || []).push(input);
      }
    });
    var values = [];
    Object.keys(byName).forEach(function (key) {
      inputValues(byName[key]).forEach(function (value) { if (value) { values.push(value); } });
    });
    return values;
  }
  function test(condition, values) {
    var op = condition.operator, expected = condition.value;
    if (op === "is_filled") { return values.length > 0; }
    if (op === "is_not_filled") { return values.length === 0; }
    if (!values.length) { return null; }  // unknown: the server decides
    var wanted = Array.isArray(expected) ? expected.map(normalise) : [normalise(expected)];
    // « chaque enfant »: every item must hold; « au moins un enfant » (the default): one.
    var any = function (fn) { return condition.quantifier === "all" ? values.every(fn) : values.some(fn); };
    switch (op) {
      case "equals": return any(function (v) { return normalise(v) === wanted[0]; });
      case "differs": return !values.some(function (v) { return normalise(v) === wanted[0]; });
      case "one_of": return any(function (v) { return wanted.indexOf(normalise(v)) !== -1; });
      case "contains": return any(function (v) { return normalise(v).indexOf(wanted[0]) !== -1; });
      case "greater_than": return any(function (v) { return parseFloat(v.replace(",", ".")) > parseFloat(String(expected).replace(",", ".")); });
      case "greater_or_equal": return any(function (v) { return parseFloat(v.replace(",", ".")) >= parseFloat(String(expected).replace(",", ".")); });
      case "less_than": return any(function (v) { return parseFloat(v.replace(",", ".")) < parseFloat(String(expected).replace(",", ".")); });
      case "less_or_equal": return any(function (v) { return parseFloat(v.replace(",", ".")) <= parseFloat(String(expected).replace(",", ".")); });
    }
    return null;
  }
  function visible(form, prefix, rule) {
    var conditions = rule.type === "group" ? rule.conditions : [rule];
    var results = conditions.map(function (c) { return test(c, valuesOf(form, prefix, c.variable)); });
    if (rule.type === "group" && rule.mode === "any") {
      return results.some(function (r) { return r === true; });
    }
    return results.every(function (r) { return r === true; });
  }
  Array.prototype.forEach.call(document.querySelectorAll("form.pf-form"), function (form) {
    var dependent = form.querySelectorAll("[data-condition]");
    if (!dependent.length) { return; }
    function update() {
      Array.prototype.forEach.call(dependent, function (container) {
        var rule = JSON.parse(container.getAttribute("data-condition"));
        container.hidden = !visible(form, container.getAttribute("data-prefix"), rule);
      });
    }
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  });
})();
