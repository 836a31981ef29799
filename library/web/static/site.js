// Progressive enhancement only: the newsletter form works without this script.
// While the form is being sent, its button says "Wait please..." in the page's language.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const busy = form.dataset && form.dataset.busy;
  const button = form.querySelector("button[type=submit]");
  if (busy && button) {
    button.disabled = true;
    button.textContent = busy;
    form.setAttribute("aria-busy", "true");
  }
});

// The translation workbench (issue 18), progressive enhancement of a plain form: keyboard moves between
// segments (Alt+Down, Alt+Up), copies the source (Alt+C), accepts the first suggestion (Alt+Enter),
// saves the draft (Ctrl+S); progress follows the fields as they are filled.
(() => {
  const form = document.getElementById("segments-form");
  if (!form) return;
  const fields = Array.from(form.querySelectorAll(".segment textarea"));
  const progress = document.getElementById("progress");
  const bar = document.getElementById("progress-bar");
  const label = document.getElementById("progress-text");
  const keys = document.getElementById("keys");
  if (keys) keys.hidden = false;
  form.querySelectorAll(".segment-tools, .use-suggestion").forEach((element) => { element.hidden = false; });

  const segmentOf = (field) => field.closest(".segment");
  const sourceOf = (field) => segmentOf(field).querySelector(".segment-text").dataset.text;
  const update = () => {
    const done = fields.filter((field) => field.value.trim() !== "").length;
    if (bar) bar.value = done;
    if (label && progress) label.textContent = progress.dataset.pattern.replace("__DONE__", String(done));
    fields.forEach((field) => segmentOf(field).classList.toggle("segment-done", field.value.trim() !== ""));
  };
  const put = (field, text) => {
    field.value = text;
    field.focus();
    field.setSelectionRange(text.length, text.length);
    update();
  };
  const move = (field, step) => {
    const next = fields[fields.indexOf(field) + step];
    if (next) {
      next.focus();
      segmentOf(next).scrollIntoView({block: "nearest"});
    }
  };

  form.addEventListener("input", update);
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[type=button]");
    if (!button) return;
    const field = segmentOf(button).querySelector("textarea");
    if (button.classList.contains("copy-source")) put(field, sourceOf(field));
    else if (button.classList.contains("use-suggestion")) put(field, button.dataset.text);
  });
  form.addEventListener("keydown", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement)) return;
    if (event.altKey && event.key === "ArrowDown") move(field, 1);
    else if (event.altKey && event.key === "ArrowUp") move(field, -1);
    else if (event.altKey && (event.code === "KeyC" || event.key === "c")) put(field, sourceOf(field));
    else if (event.altKey && event.key === "Enter") {
      const suggestion = segmentOf(field).querySelector(".use-suggestion");
      if (!suggestion) return;
      put(field, suggestion.dataset.text);
    } else if ((event.ctrlKey || event.metaKey) && event.key === "s") form.requestSubmit(form.querySelector("button[value=save]"));
    else return;
    event.preventDefault();
  });
  update();
})();
