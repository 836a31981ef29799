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
