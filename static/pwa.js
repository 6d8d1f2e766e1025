// Offline and installable: registers the service worker the build wrote (static/sw.js, named by
// `<meta name="iam-sw">`, which scripts/post_build.py adds to release and debug builds but not
// to `trunk serve`'s), and says when a new version is waiting.
//
// - The worker is registered once the page has loaded and the browser is idle, so its precache
//   (every file of the build, the analysis worker and the data assets included) is fetched after
//   the first paint and never competes with it.
// - When a new worker has installed while this page is controlled by an older one, a banner
//   (role=status, first in the page and in the tab order) says "A new version of the playground
//   is available" with a Reload button, which lets the waiting worker take over and reloads the
//   page once it has, and "Not now", which hides it until the next load.
// - Without the meta tag (the development server) nothing is registered, and a worker left on
//   this scope by an earlier build is removed so it cannot serve stale files.
// Errors are logged, never shown: the page works the same without a service worker.
const meta = document.querySelector('meta[name="iam-sw"]');
const supported = 'serviceWorker' in navigator && /^https?:$/.test(location.protocol);
const scope = new URL('./', document.baseURI).href;
/** How long Reload waits for the new worker to take over before it loads the page anyway. */
const UPDATE_FALLBACK_MS = 4000;

/** Runs `fn` after the load event, when the browser is idle (or after 5 s at the latest). */
function afterLoadWhenIdle(fn) {
  const idle = () => (window.requestIdleCallback ? requestIdleCallback(fn, { timeout: 5000 }) : setTimeout(fn, 1000));
  if (document.readyState === 'complete') idle();
  else window.addEventListener('load', idle, { once: true });
}

/** The banner's live region, created empty first so that assistive technology announces it. */
function banner() {
  let el = document.getElementById('update-banner');
  if (!el) {
    el = document.createElement('div');
    el.id = 'update-banner';
    // An embed's frame is sized to its content: there the banner floats instead of taking room.
    el.className = new URLSearchParams(location.search).has('embed') ? 'update-banner update-banner-overlay' : 'update-banner';
    el.setAttribute('role', 'status');
    el.hidden = true;
    document.body.prepend(el);
  }
  return el;
}

/** Shows the banner for the worker waiting in `registration`, which takes over when the user asks. */
function offer(registration) {
  const el = banner();
  el.replaceChildren();
  const text = document.createElement('span');
  text.className = 'update-text';
  text.textContent = 'A new version of the playground is available.';
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.className = 'btn btn-primary';
  reload.dataset.action = 'reload-update';
  reload.textContent = 'Reload';
  const later = document.createElement('button');
  later.type = 'button';
  later.className = 'btn btn-quiet';
  later.dataset.action = 'dismiss-update';
  later.textContent = 'Not now';
  reload.addEventListener('click', () => {
    reload.disabled = true;
    const waiting = registration.waiting;
    if (!waiting) {
      // Another tab let it take over already: this page only needs to load again.
      location.reload();
      return;
    }
    // The page loads again as soon as the new worker controls it. A browser may hold the
    // activation back while the old worker still answers one of this page's requests; the
    // page then loads again after a few seconds anyway, which ends those requests, and the
    // new worker takes over the page that loads. The button always reloads.
    let reloading = false;
    const again = () => {
      if (reloading) return;
      reloading = true;
      location.reload();
    };
    navigator.serviceWorker.addEventListener('controllerchange', again, { once: true });
    waiting.addEventListener('statechange', () => {
      if (waiting.state === 'activated' || waiting.state === 'redundant') again();
    });
    setTimeout(again, UPDATE_FALLBACK_MS);
    waiting.postMessage({ type: 'skip-waiting' });
  });
  later.addEventListener('click', () => {
    el.hidden = true;
    el.replaceChildren();
  });
  const actions = document.createElement('span');
  actions.className = 'update-actions';
  actions.append(reload, later);
  el.append(text, actions);
  el.hidden = false;
}

/** Offers `worker` once it has installed, if an older worker controls this page. */
function watch(registration, worker) {
  if (!worker) return;
  const check = () => {
    if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(registration);
  };
  worker.addEventListener('statechange', check);
  check();
}

async function register() {
  banner();
  try {
    const registration = await navigator.serviceWorker.register(new URL(meta.content, document.baseURI), { scope });
    if (registration.waiting && navigator.serviceWorker.controller) offer(registration);
    watch(registration, registration.installing);
    registration.addEventListener('updatefound', () => watch(registration, registration.installing));
    // A tab left open for days still hears of new versions: the browser checks on navigations
    // only. Offline, the check fails quietly and is tried again an hour later.
    setInterval(() => registration.update().catch(() => {}), 60 * 60 * 1000);
  } catch (err) {
    console.info('The playground will not work offline: its service worker was not registered.', err);
  }
}

async function unregisterStale() {
  try {
    const registration = await navigator.serviceWorker.getRegistration(scope);
    if (registration && registration.scope === scope) await registration.unregister();
  } catch (err) {
    console.info('Could not remove an earlier service worker.', err);
  }
}

if (supported) {
  if (meta) afterLoadWhenIdle(register);
  else afterLoadWhenIdle(unregisterStale);
}
