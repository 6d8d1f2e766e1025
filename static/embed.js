// Sizes every IAM Policy Playground embed on the page to its content. Paste it once, after the
// playground iframes (the Share & embed view's snippet does):
//   <script src="https://…/embed.js" async></script>
// Each embed posts { type: "iam-playground:height", height } to its parent when it loads and
// whenever its content changes size. This script sets the height of the iframe that sent it,
// and only when the message comes from one of the page's own iframes, from the origin of that
// iframe's src: another frame or window cannot resize anything. Because the script may load
// after an embed has already posted its height, it asks every frame for its height once at
// start and again whenever a frame (re)loads.
(() => {
  'use strict';
  const HEIGHT = 'iam-playground:height';
  const ASK = 'iam-playground:height-request';
  // One listener per page, even when the snippet is pasted several times.
  if (window.__iamPlaygroundEmbed) return;
  window.__iamPlaygroundEmbed = true;

  const originOf = (frame) => {
    try {
      return new URL(frame.src, document.baseURI).origin;
    } catch {
      return null;
    }
  };
  // Whether the frame shows its src yet: a frame still on its initial about:blank document
  // belongs to this page's origin, and posting to it with the src's origin would only warn.
  // A document of another origin is hidden from this page (contentDocument is null).
  const shown = (frame) => {
    try {
      const doc = frame.contentDocument;
      return !doc || (doc.URL !== 'about:blank' && doc.readyState === 'complete');
    } catch {
      return true;
    }
  };
  const ask = (frame) => {
    const origin = originOf(frame);
    if (origin && origin !== 'null' && frame.contentWindow && shown(frame)) {
      frame.contentWindow.postMessage({ type: ASK }, origin);
    }
  };

  window.addEventListener('message', (event) => {
    const data = event.data;
    if (!data || data.type !== HEIGHT || typeof data.height !== 'number') return;
    if (!Number.isFinite(data.height) || data.height < 0) return;
    for (const frame of document.getElementsByTagName('iframe')) {
      if (frame.contentWindow !== event.source) continue;
      if (originOf(frame) !== event.origin) return;
      const height = Math.ceil(data.height);
      frame.style.height = `${height}px`;
      frame.setAttribute('data-iam-playground-height', String(height));
      return;
    }
  });

  const watch = () => {
    for (const frame of document.getElementsByTagName('iframe')) {
      frame.addEventListener('load', () => ask(frame));
      ask(frame);
    }
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', watch);
  } else {
    watch();
  }
})();
