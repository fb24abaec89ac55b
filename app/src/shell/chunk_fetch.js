// Fetches of the front end's own files (/pkg/…), as the WASM chunk loader makes them.
// - A page being left has its fetches cancelled by the browser; the loader would then
//   fail, and the WASM panic, in a document that is going away. While leaving, such a
//   fetch never settles instead.
// - A failed fetch otherwise gets two more tries, so a network blip does not stop the page.
(() => {
  let leaving = false;
  addEventListener('beforeunload', () => { leaving = true; });
  addEventListener('pagehide', () => { leaving = true; });
  addEventListener('pageshow', () => { leaving = false; });
  const fetch = window.fetch.bind(window);
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
  window.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!new URL(url, location.href).pathname.startsWith('/pkg/')) return fetch(input, init);
    const attempt = async (triesLeft) => {
      try {
        return await fetch(input, init);
      } catch (err) {
        if (leaving) return new Promise(() => {});
        if (triesLeft === 0) throw err;
        await sleep(300);
        return attempt(triesLeft - 1);
      }
    };
    return attempt(2);
  };
})();
