/* wagtail-passfamille, page editor: pick, never type.

   Conditions and the tariff grids' « Donnée » store a variable name (« enfants.pai »,
   « caf.quotient_familial »), condition values a string, residence conditions an INSEE code.
   Each of those inputs is a text input marked data-pf-picker; this script keeps it as the value
   (hidden) and shows lists built from the démarche's steps as they are in the page, unsaved
   changes included: the earlier fields by step and label, the certified data by label, the
   operators that fit, the field's own choices, a date input, a commune search. The server checks
   everything again at save. Also: the tariff grid shows only its mode's fields and a worked
   example, and the tabs count the errors of the StreamFields (drawn after Wagtail counted). */
(function () {
  "use strict";

  var catalogue = null;
  function cat() {
    if (catalogue === null) {
      var script = document.getElementById("pf-picker-catalogue");
      catalogue = script ? JSON.parse(script.textContent) : false;
    }
    return catalogue;
  }

  function fmt(text, params) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return params[key]; }).replace(/%%/g, "%");
  }

  // The same as rules.text.machine_name: "Date de naissance" → "date_de_naissance".
  function machineName(label) {
    var value = (label || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    value = value.replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
    if (value && /[0-9]/.test(value[0])) { value = "champ_" + value; }
    return value.slice(0, 50).replace(/_+$/, "") || "champ";
  }

  function normalise(text) {
    return (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function named(root, name) {
    return root.querySelector('[name="' + name.replace(/"/g, '\\"') + '"]');
  }

  function isDeleted(form, prefix) {
    // A deleted stream child stays in the page (hidden), its « -deleted » input set to 1.
    var parts = prefix.split("-"), path = "";
    for (var i = 0; i < parts.length; i++) {
      path = path ? path + "-" + parts[i] : parts[i];
      if (/\d$/.test(parts[i])) {
        var deleted = named(form, path + "-deleted");
        if (deleted && deleted.value === "1") { return true; }
      }
    }
    return false;
  }

  function splitValues(value) {
    return (value || "").split(";").map(function (part) { return part.trim(); }).filter(Boolean);
  }

  // ---- The démarche's fields, read from the page -------------------------------------------

  function readFields(form) {
    var config = cat(), steps = {}, count = 0, fields = [], groups = {};
    form.querySelectorAll('input[name^="steps-"][name$="-value-title"]').forEach(function (input) {
      var match = /^(steps-\d+)-value-title$/.exec(input.name);
      if (!match || isDeleted(form, match[1])) { return; }
      count += 1;
      steps[match[1]] = { number: count, title: input.value.trim() };
    });
    form.querySelectorAll('input[name^="steps-"][name$="-value-label"]').forEach(function (input) {
      var prefix = input.name.slice(0, -"-value-label".length);
      var match = /^(steps-\d+)-value-fields-\d+(-value-fields-\d+)?$/.exec(prefix);
      if (!match || !steps[match[1]] || isDeleted(form, prefix)) { return; }
      var typeInput = named(form, prefix + "-type");
      var nameInput = named(form, prefix + "-value-name");
      var label = input.value.trim();
      var typed = nameInput ? nameInput.value.trim() : "";
      if (!label && !typed) { return; }
      var field = {
        prefix: prefix,
        element: input,
        step: steps[match[1]],
        type: typeInput ? typeInput.value : "",
        label: label || typed,
        name: typed || machineName(label),
        groupPrefix: match[2] ? prefix.slice(0, -match[2].length) : null,
        choices: [],
        ticked: []
      };
      field.certified = config.certifiedBlocks.indexOf(field.type) >= 0;
      var choicePattern = new RegExp("^" + prefix.replace(/[-]/g, "\\-") + "-value-choices-(\\d+)-value$");
      form.querySelectorAll('[name^="' + prefix + '-value-choices-"]').forEach(function (choice) {
        var found = choicePattern.exec(choice.name);
        if (found && !isDeleted(form, prefix + "-value-choices-" + found[1]) && choice.value.trim()) {
          field.choices.push(choice.value.trim());
        }
      });
      form.querySelectorAll('input[name="' + prefix + '-value-data"]:checked').forEach(function (box) {
        field.ticked.push(box.value);
      });
      if (field.type === "groupe") { groups[prefix] = field; }
      fields.push(field);
    });
    fields.forEach(function (field) {
      field.group = field.groupPrefix ? groups[field.groupPrefix] || null : null;
    });
    return fields.filter(function (field) { return !field.groupPrefix || field.group; });
  }

  function precedes(element, other) {
    return Boolean(element.compareDocumentPosition(other) & Node.DOCUMENT_POSITION_FOLLOWING);
  }

  function pickerKind(kind, multiple) {
    if (kind === "group") { return "group"; }
    return multiple ? kind + "_multiple" : kind;
  }

  // What the picker at ``input`` may offer: [{value, label, optgroup, kind, choices}].
  function entriesFor(input, form) {
    var config = cat(), fields = readFields(form), entries = [];
    var numeric = input.getAttribute("data-pf-picker") === "number-variable";
    var pageWide = /^(eligibility|tariffs)-/.test(input.name);
    var owner = input.name.replace(/-value-condition-rules-\d+-value-variable$/, "");
    var ownerField = null;
    fields.forEach(function (field) { if (field.prefix === owner) { ownerField = field; } });
    fields.forEach(function (field) {
      if (field.prefix === owner || (ownerField && ownerField.groupPrefix === field.prefix)) { return; }
      if (!pageWide && !precedes(field.element, input)) { return; }
      if (field.certified) { return; }
      var kind = config.fieldKinds[field.type] || "text";
      var value = field.name, label = field.label, multiple = field.type === "choix_multiples";
      if (field.group) {
        value = field.group.name + "." + field.name;
        label = field.group.label + " : " + field.label;
        // In the same item, a sibling is one answer; elsewhere, the list across the items.
        multiple = !(ownerField && ownerField.groupPrefix === field.groupPrefix);
      }
      var entryKind = pickerKind(kind, multiple);
      if (numeric && entryKind !== "number") { return; }
      var choices = field.choices.slice();
      if (kind === "boolean") { choices = [config.text.yes, config.text.no]; }
      entries.push({
        value: value,
        label: fmt(config.text.step, { number: field.step.number }) + " — " + label,
        optgroup: fmt(config.text.step, { number: field.step.number }) + (field.step.title ? " — " + field.step.title : ""),
        kind: entryKind,
        choices: choices
      });
    });
    var blocks = fields.filter(function (field) {
      return field.certified && (pageWide || precedes(field.element, input));
    });
    config.certified.forEach(function (datum) {
      if (numeric && !datum.numeric) { return; }
      if (datum.block_type) {
        var present = blocks.some(function (block) {
          return block.type === datum.block_type && (
            !datum.needs.length || datum.needs.some(function (key) { return block.ticked.indexOf(key) >= 0; })
          );
        });
        if (!present) { return; }
      }
      entries.push({
        value: datum.name, label: datum.label, optgroup: config.text.certified,
        kind: datum.kind, choices: datum.choices
      });
    });
    return entries;
  }

  // The children's group and its first-name and birth-date fields (children matching).
  function groupEntriesFor(input, form) {
    var config = cat(), kind = input.getAttribute("data-pf-picker"), fields = readFields(form);
    var groups = fields.filter(function (field) { return field.type === "groupe"; });
    function entry(field, label) {
      var step = fmt(config.text.step, { number: field.step.number });
      return { value: field.name, label: step + " — " + label, optgroup: step, kind: "text", choices: [] };
    }
    if (kind === "group") {
      return groups.map(function (group) { return entry(group, group.label); });
    }
    var sibling = named(form, input.name.replace(/-[a-z_]+$/, "-children_group"));
    var chosen = sibling ? sibling.value.trim() : "";
    var group = groups.filter(function (g) { return g.name === chosen; })[0] || (groups.length === 1 ? groups[0] : null);
    if (!group) { return []; }
    var wanted = kind === "group-date" ? "date" : "texte_court";
    return fields.filter(function (field) {
      return field.group === group && field.type === wanted;
    }).map(function (field) { return entry(field, group.label + " : " + field.label); });
  }

  // ---- The variable list --------------------------------------------------------------------

  function fillVariable(select, input, form) {
    var config = cat(), current = input.value.trim();
    var grouped = /^group/.test(input.getAttribute("data-pf-picker"));
    var entries = grouped ? groupEntriesFor(input, form) : entriesFor(input, form);
    select.textContent = "";
    var empty = grouped ? config.text.inferred : entries.length ? config.text.choose : config.text.noChoice;
    var placeholder = new Option(empty, "");
    select.appendChild(placeholder);
    var groups = {}, found = null;
    entries.forEach(function (entry) {
      var group = groups[entry.optgroup];
      if (!group) {
        group = groups[entry.optgroup] = document.createElement("optgroup");
        group.label = entry.optgroup;
        select.appendChild(group);
      }
      var option = new Option(entry.label, entry.value);
      group.appendChild(option);
      if (entry.value === current) { found = entry; }
    });
    if (current && !found) {
      // Kept as saved (the save check says why it is refused): nothing is silently lost.
      select.appendChild(new Option(fmt(config.text.missing, { name: current }), current));
    }
    select.value = current;
    select.pfEntries = entries;
    return found;
  }

  function entryOf(select) {
    var entries = select.pfEntries || [];
    for (var i = 0; i < entries.length; i++) {
      if (entries[i].value === select.value) { return entries[i]; }
    }
    return null;
  }

  function replaceInput(input, select) {
    // The select takes the input's id (the label points to it); the input keeps the value.
    select.id = input.id;
    input.id = input.id + "-valeur";
    input.type = "hidden";
    input.setAttribute("data-pf-enhanced", "");
    input.insertAdjacentElement("afterend", select);
  }

  function enhanceVariable(input, form) {
    var select = document.createElement("select");
    select.className = "pf-picker";
    replaceInput(input, select);
    input.pfSelect = select;
    fillVariable(select, input, form);
    select.addEventListener("focus", function () { fillVariable(select, input, form); });
    select.addEventListener("mousedown", function () { fillVariable(select, input, form); });
    select.addEventListener("change", function () {
      input.value = select.value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      syncRule(input, form, true);
      if (input.getAttribute("data-pf-picker") === "number-variable") { syncGrid(input, form); }
    });
    syncRule(input, form, false);
  }

  // ---- Operator and value of a condition ----------------------------------------------------

  function ruleParts(variableInput, form) {
    var base = variableInput.name.replace(/-variable$/, "");
    return {
      operator: named(form, base + "-operator"),
      value: named(form, base + "-value"),
      quantifier: named(form, base + "-quantifier")
    };
  }

  function syncRule(variableInput, form, changed) {
    if (variableInput.getAttribute("data-pf-picker") !== "variable") { return; }
    var config = cat(), parts = ruleParts(variableInput, form);
    if (!parts.operator) { return; }
    var entry = variableInput.pfSelect ? entryOf(variableInput.pfSelect) : null;
    var kind = entry ? entry.kind : null;
    var allowed = kind ? config.operators[kind] : null;
    var labels = kind ? config.operatorLabels[kind] : {};
    Array.prototype.forEach.call(parts.operator.options, function (option) {
      if (!option.pfLabel) { option.pfLabel = option.textContent; }
      var fits = !allowed || allowed.indexOf(option.value) >= 0;
      option.hidden = !fits;
      option.disabled = !fits;
      option.textContent = (labels && labels[option.value]) || option.pfLabel;
    });
    if (parts.quantifier) {
      // « au moins un enfant / chaque enfant » only means something for a list.
      valueWrapper(parts.quantifier).hidden = Boolean(kind) && !/_multiple$/.test(kind);
    }
    if (allowed && allowed.indexOf(parts.operator.value) < 0) {
      parts.operator.value = allowed[0];
      parts.operator.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (!parts.operator.pfWatched) {
      parts.operator.pfWatched = true;
      parts.operator.addEventListener("change", function () {
        renderValue(parts.value, variableInput, parts.operator, form);
      });
    }
    if (parts.value) {
      if (changed && entry && entry.choices.length) { parts.value.value = ""; }
      renderValue(parts.value, variableInput, parts.operator, form);
    }
  }

  function valueWrapper(input) {
    return input.closest("[data-field-wrapper]") || input.parentElement;
  }

  function renderValue(input, variableInput, operatorSelect, form) {
    var config = cat();
    var entry = variableInput.pfSelect ? entryOf(variableInput.pfSelect) : null;
    var operator = operatorSelect.value;
    var box = input.pfBox;
    if (!box) {
      box = input.pfBox = document.createElement("div");
      box.className = "pf-value-picker";
      input.insertAdjacentElement("afterend", box);
      input.pfTextId = input.id;
    }
    box.textContent = "";
    var wrapper = valueWrapper(input);
    var valueless = operator === "is_filled" || operator === "is_not_filled";
    wrapper.hidden = valueless;
    if (valueless || !entry) {
      showText(input, "text");
      return;
    }
    if (entry.kind === "commune") { return communePicker(input, box, operator === "one_of"); }
    if (entry.choices.length) { return choicePicker(input, box, entry, operator === "one_of"); }
    if (entry.kind === "date" || entry.kind === "date_multiple") { return datePicker(input, box); }
    showText(input, entry.kind.indexOf("number") === 0 ? "decimal" : "text");
  }

  function showText(input, mode) {
    input.type = "text";
    if (input.pfTextId) { input.id = input.pfTextId; }
    if (mode === "decimal") { input.setAttribute("inputmode", "decimal"); }
    else { input.removeAttribute("inputmode"); }
  }

  function hideText(input, control) {
    input.type = "hidden";
    if (control) {
      control.id = input.pfTextId;
      input.id = input.pfTextId + "-valeur";
    }
  }

  function setValue(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function choicePicker(input, box, entry, several) {
    var config = cat(), chosen = splitValues(input.value).map(normalise);
    if (several) {
      var fieldset = document.createElement("fieldset");
      fieldset.className = "pf-value-picker__choices";
      var legend = document.createElement("legend");
      legend.className = "w-sr-only";
      legend.textContent = config.text.oneOfHint;
      fieldset.appendChild(legend);
      var hint = document.createElement("p");
      hint.className = "help";
      hint.textContent = config.text.oneOfHint;
      fieldset.appendChild(hint);
      entry.choices.forEach(function (choice, index) {
        var label = document.createElement("label");
        var box_ = document.createElement("input");
        box_.type = "checkbox";
        box_.value = choice;
        box_.checked = chosen.indexOf(normalise(choice)) >= 0;
        if (index === 0) { box_.id = input.pfTextId; }
        label.appendChild(box_);
        label.appendChild(document.createTextNode(" " + choice));
        fieldset.appendChild(label);
      });
      fieldset.addEventListener("change", function () {
        var values = [];
        fieldset.querySelectorAll("input:checked").forEach(function (b) { values.push(b.value); });
        setValue(input, values.join("; "));
      });
      box.appendChild(fieldset);
      input.type = "hidden";
      input.id = input.pfTextId + "-valeur";
      return;
    }
    var select = document.createElement("select");
    select.className = "pf-picker";
    select.appendChild(new Option(config.text.choose, ""));
    var selected = "";
    entry.choices.forEach(function (choice) {
      select.appendChild(new Option(choice, choice));
      if (chosen.length && normalise(choice) === chosen[0]) { selected = choice; }
    });
    if (input.value.trim() && !selected) {
      select.appendChild(new Option(fmt(config.text.missing, { name: input.value.trim() }), input.value.trim()));
      selected = input.value.trim();
    }
    select.value = selected;
    select.addEventListener("change", function () { setValue(input, select.value); });
    box.appendChild(select);
    hideText(input, select);
  }

  function isoDate(value) {
    var text = (value || "").trim(), match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
    if (match) { return match[3] + "-" + ("0" + match[2]).slice(-2) + "-" + ("0" + match[1]).slice(-2); }
    return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : "";
  }

  function datePicker(input, box) {
    var date = document.createElement("input");
    date.type = "date";
    date.className = "pf-picker";
    date.value = isoDate(input.value);
    date.addEventListener("change", function () { setValue(input, date.value); });
    box.appendChild(date);
    hideText(input, date);
  }

  // ---- Commune search (« la commune de … »): stores INSEE codes -----------------------------

  var communeNames = {};

  function communeSearch(query) {
    var url = cat().communesUrl + "?q=" + encodeURIComponent(query);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        data.results.forEach(function (c) { communeNames[c.code] = c.label; });
        return data.results;
      })
      .catch(function () { return []; });
  }

  function communePicker(input, box, several) {
    var config = cat();
    var wrapper = document.createElement("div");
    wrapper.className = "pf-commune";
    var chosen = document.createElement("ul");
    chosen.className = "pf-commune__chosen";
    var search = document.createElement("input");
    search.type = "search";
    search.className = "pf-commune__search";
    search.setAttribute("aria-label", config.text.communeSearch);
    search.placeholder = config.text.communeSearch;
    search.autocomplete = "off";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small button-secondary";
    button.textContent = config.text.communeSearchButton;
    var results = document.createElement("ul");
    results.className = "pf-commune__results";
    results.setAttribute("aria-live", "polite");
    wrapper.append(chosen, search, button, results);
    box.appendChild(wrapper);
    hideText(input, search);

    function codes() { return splitValues(input.value); }
    function drawChosen() {
      chosen.textContent = "";
      codes().forEach(function (code) {
        var item = document.createElement("li");
        var text = document.createElement("span");
        text.textContent = (communeNames[code] || code) + " — " + fmt(config.text.communeCode, { code: code });
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button button-small button-secondary";
        remove.textContent = config.text.communeRemove;
        remove.setAttribute("aria-label", config.text.communeRemove + " " + (communeNames[code] || code));
        remove.addEventListener("click", function () {
          setValue(input, codes().filter(function (c) { return c !== code; }).join("; "));
          drawChosen();
        });
        item.append(text, " ", remove);
        chosen.appendChild(item);
        if (!communeNames[code]) {
          communeSearch(code).then(function () { if (communeNames[code]) { drawChosen(); } });
        }
      });
    }
    function run() {
      var query = search.value.trim();
      if (query.length < 2) { results.textContent = ""; return; }
      communeSearch(query).then(function (found) {
        results.textContent = "";
        if (!found.length) {
          var none = document.createElement("li");
          none.textContent = config.text.communeNone;
          results.appendChild(none);
        }
        found.forEach(function (commune) {
          var item = document.createElement("li");
          var pick = document.createElement("button");
          pick.type = "button";
          pick.className = "button button-small button-secondary";
          pick.textContent = commune.label + " — " + fmt(config.text.communeCode, { code: commune.code });
          pick.setAttribute("data-code", commune.code);
          pick.addEventListener("click", function () {
            var current = several ? codes() : [];
            if (current.indexOf(commune.code) < 0) { current.push(commune.code); }
            setValue(input, current.join("; "));
            results.textContent = "";
            search.value = "";
            drawChosen();
            search.focus();
          });
          item.appendChild(pick);
          results.appendChild(item);
        });
      });
    }
    var timer = null;
    search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); run(); }
    });
    button.addEventListener("click", run);
    drawChosen();
  }

  // ---- Tariff grid: its mode's fields, a worked example ---------------------------------------

  var MODE_FIELDS = {
    brackets: ["brackets", "default_bracket"],
    effort_rate: ["effort", "default_amount"]
  };

  function decimal(text) {
    var value = (text || "").replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    return value === "" || isNaN(Number(value)) ? null : Number(value);
  }

  function cents(value) { return Math.round((value + 1e-9) * 100) / 100; }

  function euros(value) {
    return value.toLocaleString("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + " €";
  }

  function number(value) { return value.toLocaleString("fr-FR", { maximumFractionDigits: 2 }); }

  function gridPart(form, base, name) {
    var struct = (named(form, base + "-mode") || {}).closest && named(form, base + "-mode").closest(".struct-block");
    return struct ? struct.querySelector(':scope > [data-contentpath="' + name + '"]') : null;
  }

  function syncGrid(variableInput, form) {
    var config = cat(), base = variableInput.name.replace(/-variable$/, "");
    var mode = named(form, base + "-mode");
    if (!mode) { return; }
    Object.keys(MODE_FIELDS).forEach(function (key) {
      MODE_FIELDS[key].forEach(function (name) {
        var part = gridPart(form, base, name);
        if (part) { part.hidden = mode.value !== key; }
      });
    });
    var example = variableInput.pfExample;
    if (!example) {
      example = variableInput.pfExample = document.createElement("p");
      example.className = "pf-grid-example help";
      example.setAttribute("aria-live", "polite");
      mode.closest("[data-field-wrapper]").appendChild(example);
    }
    var lines = gridExample(form, base, variableInput, mode.value);
    example.textContent = lines.length ? config.text.example + " : " + lines.join(" · ") : "";
  }

  function gridExample(form, base, variableInput, mode) {
    var config = cat(), lines = [];
    var unitInput = named(form, base + "-unit"), kindInput = named(form, base + "-kind");
    var unit = unitInput && unitInput.value.trim() ? " " + unitInput.value.trim() : "";
    var reduction = kindInput && kindInput.value === "reduction";
    var select = variableInput.pfSelect, entry = select ? entryOf(select) : null;
    var variable = entry ? entry.label.replace(/^.* — /, "") : variableInput.value;
    function amount(value) {
      return reduction ? fmt(config.text.exampleReduction, { percent: number(value) }) : euros(value) + unit;
    }
    if (mode === "effort_rate") {
      var rate = decimal((named(form, base + "-effort-rate_percent") || {}).value);
      var low = decimal((named(form, base + "-effort-minimum") || {}).value) || 0;
      var high = decimal((named(form, base + "-effort-maximum") || {}).value);
      if (rate === null) { return lines; }
      [200, 1000, 5000].forEach(function (qf) {
        var price = Math.max(qf * rate / 100, low);
        if (high !== null) { price = Math.min(price, high); }
        lines.push(fmt(config.text.exampleEffort, { variable: variable, value: number(qf), price: amount(cents(price)) }));
      });
      var fallback = decimal((named(form, base + "-default_amount") || {}).value);
      if (fallback !== null) { lines.push(fmt(config.text.exampleUnknown, { price: amount(fallback) })); }
      return lines;
    }
    var pattern = new RegExp("^" + base.replace(/[-]/g, "\\-") + "-brackets-(\\d+)-value-label$");
    var brackets = [];
    form.querySelectorAll('[name^="' + base + '-brackets-"][name$="-value-label"]').forEach(function (label) {
      var found = pattern.exec(label.name);
      if (!found || isDeleted(form, base + "-brackets-" + found[1])) { return; }
      var prefix = base + "-brackets-" + found[1] + "-value-";
      var price = decimal((named(form, prefix + "amount") || {}).value);
      if (price === null) { return; }
      brackets.push({
        label: label.value.trim(),
        minimum: decimal((named(form, prefix + "minimum") || {}).value),
        price: price
      });
    });
    brackets.forEach(function (bracket) {
      var at = bracket.minimum === null ? 0 : bracket.minimum;
      lines.push(fmt(config.text.exampleEffort, {
        variable: variable, value: number(at), price: bracket.label + " : " + amount(bracket.price)
      }));
    });
    var fallbackLabel = (named(form, base + "-default_bracket") || {}).value;
    brackets.forEach(function (bracket) {
      if (fallbackLabel && normalise(bracket.label) === normalise(fallbackLabel)) {
        lines.push(fmt(config.text.exampleUnknown, { price: bracket.label + " : " + amount(bracket.price) }));
      }
    });
    return lines;
  }

  // ---- Errors: counted on their tab, their panel opened -------------------------------------

  var ERRORS = ":not([hidden]):is(.error-message,.help-critical)";

  function showErrors() {
    var app = window.wagtail && window.wagtail.app;
    document.querySelectorAll('.w-tabs__errors[data-controller~="w-count"]').forEach(function (element) {
      var controller = app && app.getControllerForElementAndIdentifier(element, "w-count");
      if (controller) { controller.count(); }
    });
    document.querySelectorAll(ERRORS).forEach(function (error) {
      for (var panel = error.closest("[data-panel]"); panel; panel = panel.parentElement.closest("[data-panel]")) {
        var toggle = panel.querySelector("[data-panel-toggle]");
        if (toggle && toggle.getAttribute("aria-expanded") === "false") { toggle.click(); }
      }
    });
    // Open the first tab holding an error when the one shown holds none.
    var panels = Array.prototype.slice.call(document.querySelectorAll('[role="tabpanel"]'));
    var shown = panels.filter(function (panel) { return !panel.hidden; })[0];
    var failing = panels.filter(function (panel) { return panel.querySelector(ERRORS); });
    if (failing.length && shown && failing.indexOf(shown) < 0) {
      var trigger = document.querySelector('[role="tab"][href="#' + failing[0].id + '"]');
      if (trigger) { trigger.click(); }
    }
  }

  // ---- Wiring ------------------------------------------------------------------------------

  function formOf(element) { return element.closest("form") || document; }

  function scan() {
    if (!cat()) { return; }
    document.querySelectorAll("input[data-pf-picker]:not([data-pf-enhanced])").forEach(function (input) {
      if (input.name.indexOf("__PREFIX__") >= 0 || input.name.indexOf("__NAME__") >= 0) { return; }
      var form = formOf(input);
      if (input.getAttribute("data-pf-picker") === "value") {
        input.setAttribute("data-pf-enhanced", "");
        return; // drawn by its rule's variable
      }
      enhanceVariable(input, form);
      if (input.getAttribute("data-pf-picker") === "number-variable") { syncGrid(input, form); }
    });
  }

  function refresh(event) {
    if (!cat()) { return; }
    var target = event && event.target;
    if (target && target.closest && target.closest(".pf-value-picker, .pf-picker")) { return; }
    document.querySelectorAll('input[data-pf-picker="number-variable"][data-pf-enhanced]').forEach(function (input) {
      syncGrid(input, formOf(input));
    });
  }

  function later(callback, delay) {
    var scheduled = null;
    return function (event) {
      clearTimeout(scheduled);
      scheduled = setTimeout(function () { callback(event); }, delay);
    };
  }

  function start() {
    if (!cat()) { return; }
    scan();
    showErrors();
    new MutationObserver(later(scan, 50)).observe(document.body, { childList: true, subtree: true });
    document.addEventListener("change", later(refresh, 150));
    document.addEventListener("input", later(refresh, 300));
  }

  if (document.readyState === "complete") { start(); }
  else { window.addEventListener("load", function () { setTimeout(start, 0); }); }
})();
