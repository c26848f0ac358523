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

  // Birthplace search through the JSON endpoint: as one types, with « Rechercher la commune »
  // and with Enter in the box, the results come into the page as a list of buttons (no round
  // trip). Without JavaScript, or when the endpoint fails, the server searches (the button).
  Array.prototype.forEach.call(document.querySelectorAll("[data-commune-search]"), function (box) {
    var input = box.querySelector('input[type="text"]');
    var results = box.querySelector(".pf-commune__results");
    var button = box.querySelector('button[name="passfamille_search"]');
    if (!input || !results || !window.fetch) { return; }
    var hidden = box.querySelector('input[type="hidden"]');
    var name = hidden ? hidden.name : input.name.replace("commune_recherche", "commune");
    if (hidden) { box.insertBefore(hidden, results); }  // outside what a new search replaces
    if (!results.id) { results.id = name + "-results"; }
    results.setAttribute("tabindex", "-1");
    results.removeAttribute("aria-live");  // the status below says what changed, once
    var status = document.createElement("p");
    status.className = "pf-visually-hidden";
    status.setAttribute("role", "status");
    box.appendChild(status);
    var label = function (key, fallback) { return results.getAttribute("data-" + key + "-label") || fallback; };
    var timer = null, latest = 0, serverSearch = false;

    function paragraph(text, className) {
      var p = document.createElement("p");
      if (className) { p.className = className; }
      p.textContent = text;
      results.appendChild(p);
      return p;
    }
    function choose(commune) {
      if (!hidden) {
        hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = name;
        box.insertBefore(hidden, results);
      }
      hidden.value = commune.code;
      results.textContent = "";
      var chosen = paragraph(label("chosen", "Commune choisie :") + " ");
      var strong = document.createElement("strong");
      strong.textContent = commune.label;
      chosen.appendChild(strong);
      status.textContent = label("chosen", "Commune choisie :") + " " + commune.label;
      results.focus();
    }
    function show(data, explicit) {
      if (hidden) { hidden.value = ""; }  // a new search replaces the commune chosen before
      results.textContent = "";
      var heading = paragraph(data.results.length ? label("choose", "Choisissez votre commune de naissance")
        : label("none", "Aucune commune ne correspond."), "pf-label");
      heading.id = results.id + "-heading";
      if (data.truncated) { paragraph(label("more", ""), "pf-hint"); }
      if (!data.results.length) { paragraph(label("abroad", ""), "pf-hint"); }
      var list = document.createElement("ul");
      list.className = "pf-commune__list";
      list.setAttribute("aria-labelledby", heading.id);
      data.results.forEach(function (commune) {
        var item = document.createElement("li");
        var choice = document.createElement("button");
        choice.type = "button";
        choice.className = "pf-button pf-button--secondary";
        choice.textContent = commune.label;
        choice.addEventListener("click", function () { choose(commune); });
        item.appendChild(choice); list.appendChild(item);
      });
      if (data.results.length) { results.appendChild(list); }
      status.textContent = data.results.length
        ? label("found", "Communes trouvées :") + " " + data.results.length
        : heading.textContent;
      if (explicit) { results.focus(); }
    }
    function search(explicit) {
      var query = input.value.trim(), ticket = ++latest;
      window.clearTimeout(timer);
      return fetch(box.getAttribute("data-commune-search") + "?q=" + encodeURIComponent(query),
                   {headers: {Accept: "application/json"}})
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) { if (ticket === latest) { show(data, explicit); } })
        .catch(function () {
          if (explicit && button) { serverSearch = true; button.click(); }  // the server searches
        });
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); search(true); }
    });
    if (button) {
      button.addEventListener("click", function (event) {
        if (serverSearch) { return; }
        event.preventDefault();
        search(true);
      });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      if (input.value.trim().length < 2) { return; }
      timer = window.setTimeout(function () { search(false); }, 250);
    });
  });

  // « Ajouter » and « Retirer » in the page: an item cloned from the group's <template>, items
  // renumbered after a removal, the editor's minimum and maximum kept, the focus on the new
  // item (or on the group). The server validates everything again; without JavaScript the
  // same buttons ask the server to redraw the step.
  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  Array.prototype.forEach.call(document.querySelectorAll("fieldset.pf-group"), function (group) {
    var template = group.querySelector("template.pf-group__template");
    var total = group.querySelector('input[name$="-TOTAL_FORMS"]');
    if (!template || !template.content || !total) { return; }
    var form = group.closest("form");
    var prefix = total.name.slice(0, -"-TOTAL_FORMS".length);
    var pattern = new RegExp(escapeRegExp(prefix) + "-(\\d+|__prefix__)(?=-|\\s|$)", "g");
    var min = parseInt(template.getAttribute("data-min"), 10) || 0;
    var max = parseInt(template.getAttribute("data-max"), 10) || 1;
    var add = group.querySelector("button.pf-group__add");
    var atMax = group.querySelector(".pf-group__max");
    var attributes = ["name", "id", "for", "aria-describedby", "aria-labelledby", "data-prefix", "href"];

    function items() {
      return Array.prototype.filter.call(group.querySelectorAll(".pf-group__item"),
        function (item) { return item.parentNode === group; });
    }
    function renumber(item, index) {
      item.id = prefix + "-item-" + (index + 1);
      Array.prototype.forEach.call(item.querySelectorAll("*"), function (element) {
        attributes.forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value) { element.setAttribute(attribute, value.replace(pattern, prefix + "-" + index)); }
        });
        var text = element.getAttribute("data-pf-label");
        if (text) { element.textContent = text.replace("__number__", index + 1); }
        if (element.name === "passfamille_remove") {
          element.value = element.value.replace(/-(\d+|__prefix__)$/, "-" + index);
        }
      });
    }
    function sync() {
      var list = items();
      total.value = list.length;
      if (add) { add.hidden = list.length >= max; }
      if (atMax) { atMax.hidden = list.length < max; }
      list.forEach(function (item) {
        var remove = item.querySelector("button.pf-group__remove");
        if (remove) { remove.hidden = list.length <= min; }
      });
      if (form) { form.dispatchEvent(new Event("change")); }  // conditions of the new items
    }
    if (add) {
      add.addEventListener("click", function (event) {
        var count = items().length;
        var blank = template.content.querySelector(".pf-group__item");
        if (!blank) { return; }  // the server adds it
        event.preventDefault();
        if (count >= max) { return; }
        var item = blank.cloneNode(true);
        renumber(item, count);
        group.insertBefore(item, template);
        sync();
        item.focus();
      });
    }
    group.addEventListener("click", function (event) {
      var remove = event.target.closest ? event.target.closest("button.pf-group__remove") : null;
      if (!remove || remove.parentNode.parentNode !== group) { return; }
      event.preventDefault();
      if (items().length <= min) { return; }
      remove.parentNode.parentNode.removeChild(remove.parentNode);
      items().forEach(renumber);
      sync();
      group.focus();
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
  // A child's age on the démarche's reference date, from the item's day, month and year.
  function ageOf(form, prefix, name, on) {
    var part = function (i) {
      var input = form.querySelector('[name="' + prefix + "-" + name + "_" + i + '"]');
      return input ? parseInt(input.value, 10) : NaN;
    };
    var day = part(0), month = part(1), year = part(2), ref = on.split("-").map(Number);
    if (!(day >= 1 && day <= 31 && month >= 1 && month <= 12 && year >= 1900)) { return []; }
    var before = ref[1] < month || (ref[1] === month && ref[2] < day);
    return [String(ref[0] - year - (before ? 1 : 0))];
  }
  function visible(form, prefix, rule) {
    var conditions = rule.type === "group" ? rule.conditions : [rule];
    var results = conditions.map(function (c) {
      return test(c, c.age_on ? ageOf(form, prefix, c.variable, c.age_on) : valuesOf(form, prefix, c.variable));
    });
    if (rule.type === "group" && rule.mode === "any") {
      return results.some(function (r) { return r === true; });
    }
    return results.every(function (r) { return r === true; });
  }
  Array.prototype.forEach.call(document.querySelectorAll("form.pf-form"), function (form) {
    if (!form.querySelector("[data-condition]") && !form.querySelector("template.pf-group__template")) { return; }
    function update() {
      // Queried each time: items added in the page bring their own conditions.
      Array.prototype.forEach.call(form.querySelectorAll("[data-condition]"), function (container) {
        var rule = JSON.parse(container.getAttribute("data-condition"));
        container.hidden = !visible(form, container.getAttribute("data-prefix"), rule);
      });
    }
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  });
})();
