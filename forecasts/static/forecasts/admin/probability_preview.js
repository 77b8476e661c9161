/*
 * Live preview of what a typed probability maps to ("is confident that" → 80%).
 * Works on any input with a data-preview-url attribute; the URL answers
 * {probability, basis, phrase, shown} or {error}. No inline script: loaded via ModelAdmin.Media.
 */
"use strict";
(function () {
  const BASIS = {
    stated: "stated number",
    verbal: "verbal phrase, table ",
    bare_assertion: "bare assertion, table ",
  };

  function describe(data) {
    if (data.error) {
      return data.error;
    }
    if (data.probability === null) {
      return "→ no number: recorded, but not scored";
    }
    const table = data.basis === "stated" ? "" : data.table_version;
    return "→ " + data.shown + " (" + (BASIS[data.basis] || data.basis) + table + ")";
  }

  function attach(input) {
    const output = document.createElement("span");
    output.className = "ledger-probability-preview";
    output.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", output);
    let timer = null;
    let asked = 0;

    async function update() {
      const text = input.value.trim();
      const ticket = ++asked;
      if (!text) {
        output.textContent = "";
        return;
      }
      const url = input.dataset.previewUrl + "?" + new URLSearchParams({ text: text });
      try {
        const response = await fetch(url, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const data = await response.json();
        if (ticket !== asked) {
          return; // a later keystroke has its own answer coming
        }
        output.textContent = describe(data);
        output.classList.toggle("ledger-preview-error", Boolean(data.error));
      } catch (error) {
        output.textContent = "";
      }
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 250);
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-preview-url]").forEach(attach);
  });
})();
