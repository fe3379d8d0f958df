/* The clinic desk's service worker (scope /clinic/): it keeps the page and its two files so
 * that reloading the desk without network still opens it; the session, the queued scans and
 * the JWK Set live in the page's own storage and carry on from there.
 *
 * Nothing personal passes through it: it answers only for the page (which renders nothing
 * personal) and its script and style; API calls and the JWK Set go straight to the network.
 * Network first, so an online desk always runs the current page; the cache is the fallback.
 */
"use strict";

var CACHE = "vss-desk-{{ version }}";
var PAGE = "{{ page_url }}";
var ASSETS = [PAGE, "{{ script_url }}", "{{ style_url }}"];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(ASSETS);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("vss-desk-") === 0 && name !== CACHE;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var isPage = request.mode === "navigate" && url.pathname === PAGE;
  if (!isPage && ASSETS.indexOf(url.pathname) < 0) return; // not ours to answer
  var key = isPage ? PAGE : url.pathname;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) {
          cache.put(key, copy);
        });
      }
      return response;
    }).catch(function () {
      return caches.match(key).then(function (cached) {
        return cached || Response.error();
      });
    })
  );
});
