// Buttons that act on the page itself; no inline script is allowed (CSP), so they are wired here.
//   <button type="button" data-print>            prints the page
//   <button type="button" data-copy="ID">        copies the text of the element with that id
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  if (target.closest("[data-print]")) {
    window.print();
    return;
  }
  const button = target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  const text = "value" in field ? field.value : field.textContent;
  const done = () => {
    button.dataset.state = "copied";
    if (button.dataset.copied) button.textContent = button.dataset.copied;
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => fallback(field, done));
  } else {
    fallback(field, done);
  }
});

function fallback(field, done) {
  if (typeof field.select === "function") {
    field.select();
    if (document.execCommand("copy")) done();
  }
}
