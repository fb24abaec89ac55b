// Loading the front end's own WASM (/pkg/…), as the entry and chunk loaders do it.
// - A page being left has its fetches cancelled by the browser, before or while the body
//   arrives; the loader would then fail, and the WASM panic, in a document that is going
//   away. While leaving, such a load never settles instead.
// - A load that fails on the network otherwise gets two more tries, so a blip does not
//   stop the page.
(() => {
  let leaving = false;
  addEventListener('beforeunload', () => { leaving = true; });
  addEventListener('pagehide', () => { leaving = true; });
  addEventListener('pageshow', () => { leaving = false; });
  const never = () => new Promise(() => {});
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
  const ownFile = (input) => {
    try {
      const url = String(input instanceof Request ? input.url : input);
      const { origin, pathname } = new URL(url, location.href);
      return origin === location.origin && pathname.startsWith('/pkg/');
    } catch {
      return false; // Not a URL: fetch itself reports that.
    }
  };

  const fetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    if (!ownFile(input)) return fetch(input, init);
    const attempt = async (triesLeft) => {
      try {
        return await fetch(input, init);
      } catch (err) {
        if (leaving) return never();
        if (triesLeft === 0) throw err;
        await sleep(300);
        return attempt(triesLeft - 1);
      }
    };
    return attempt(2);
  };

  // The body can fail after the fetch has resolved: compiling then fails with a
  // TypeError ("Response body loading was aborted"). Compile and link errors do not retry.
  const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
  WebAssembly.instantiateStreaming = (source, imports) => {
    const attempt = async (src, triesLeft) => {
      try {
        return await instantiateStreaming(src, imports);
      } catch (err) {
        if (leaving) return never();
        const url = (await Promise.resolve(src).catch(() => null))?.url;
        if (triesLeft === 0 || !(err instanceof TypeError) || !url || !ownFile(url)) throw err;
        await sleep(300);
        return attempt(window.fetch(url), triesLeft - 1);
      }
    };
    return attempt(source, 2);
  };
})();
