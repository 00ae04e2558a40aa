// govreport serve: the page's only script (bundled; no network).
"use strict";

// Offset in the stored text of a point in #doc-text: every text run is a span with data-o.
function textOffset(node, offset) {
  let el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  if (node.nodeType !== Node.TEXT_NODE) {
    // A point between elements: use the start of the child it points at.
    const child = node.childNodes[offset];
    const run = child && (child.matches && child.matches("[data-o]") ? child : child.querySelector && child.querySelector("[data-o]"));
    return run ? parseInt(run.dataset.o, 10) : null;
  }
  while (el && !(el.dataset && el.dataset.o !== undefined)) el = el.parentElement;
  return el ? parseInt(el.dataset.o, 10) + offset : null;
}

function onSelect() {
  const box = document.getElementById("doc-text");
  const form = document.getElementById("add-form");
  const sel = window.getSelection();
  if (!box || !form || !sel || sel.rangeCount === 0 || sel.isCollapsed) return;
  const range = sel.getRangeAt(0);
  if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return;
  const start = textOffset(range.startContainer, range.startOffset);
  const end = textOffset(range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return;
  const quote = sel.toString();
  document.getElementById("add-start").value = start;
  document.getElementById("add-end").value = end;
  document.getElementById("add-quote").textContent = quote;
  const num = quote.match(/[0-9０-９]+(?:[.．][0-9０-９]+)?/);
  if (num) {
    const ascii = num[0].replace(/[０-９．]/g, c => String.fromCharCode(c.charCodeAt(0) - 0xFEE0));
    document.getElementById("add-value").value = ascii;
    const after = quote.slice(num.index + num[0].length).match(/^(万元|人次|[^\s，。、；0-9])/);
    if (after) document.getElementById("add-unit").value = after[1];
  }
}

function setupDrop() {
  const form = document.getElementById("upload");
  if (!form) return;
  const input = form.querySelector("input[type=file]");
  ["dragenter", "dragover"].forEach(t => document.addEventListener(t, e => { e.preventDefault(); form.classList.add("over"); }));
  document.addEventListener("dragleave", () => form.classList.remove("over"));
  document.addEventListener("drop", e => {
    e.preventDefault();
    form.classList.remove("over");
    if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; form.submit(); }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.addEventListener("mouseup", onSelect);
  document.addEventListener("keyup", onSelect);
  setupDrop();
  document.querySelectorAll(".when").forEach(el => {
    const t = parseFloat(el.dataset.t);
    if (!isNaN(t)) el.textContent = new Date(t * 1000).toLocaleString("zh-CN");
  });
});
