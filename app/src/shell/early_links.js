// Until the page has hydrated, a link is a plain link, which the browser follows. The
// router listens for clicks from the start of hydration, which then waits for the page's
// WASM chunk; a link clicked in between was taken by the router and led nowhere. The
// capture phase on window comes before the router's listener; `data-hydrated` on <body>
// marks the end of hydration (lib.rs).
addEventListener('click', (ev) => {
  if (document.body && document.body.hasAttribute('data-hydrated')) return;
  if (ev.target instanceof Element && ev.target.closest('a[href]')) ev.stopPropagation();
}, true);
