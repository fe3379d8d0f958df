/* The clinic desk page: scanner input, online verify, offline verify from cached keys.
 *
 * Tokens live in memory and sessionStorage (never localStorage); the JWK Set (public keys,
 * nothing personal) is kept in localStorage so offline checks survive a reload. Signing out
 * removes everything personal: tokens, the operator's name, queued scans, the last result.
 */
(function () {
  "use strict";

  var API = "/api/v1";
  var JWKS_URL = "/.well-known/jwks.json";
  var STORE = window.sessionStorage;
  var KEYS_STORE = window.localStorage;
  var S_ACCESS = "vssDesk.access";
  var S_REFRESH = "vssDesk.refresh";
  var S_OPERATOR = "vssDesk.operator";
  var S_QUEUE = "vssDesk.queue";
  var S_FACILITY = "vssDesk.facility"; // this desk's facility code, learnt from answers
  var K_JWKS = "vssDesk.jwks";
  var LEEWAY = 5; // seconds, as the server allows
  var JWKS_REFRESH_MS = 5 * 60 * 1000;
  var JWKS_OLD_MS = 24 * 3600 * 1000;
  var QUEUE_RETRY_MS = 15 * 1000;
  var REQUEST_TIMEOUT_MS = 8000;
  var COVERAGE = { 1: 100, 2: 100, 3: 95, 4: 80, 5: 100 };

  var app = document.getElementById("desk-app");
  var config = {
    audience: app.dataset.audience,
    issuer: app.dataset.issuer,
    tokenType: app.dataset.tokenType,
    cardPattern: new RegExp(app.dataset.cardPattern),
    maxLength: parseInt(app.dataset.maxLength, 10) || 4096,
  };

  function $(id) {
    return document.getElementById(id);
  }

  // --- Words, from the template (vi or en, as the server chose for this browser) ---------
  var words = {};
  Array.prototype.forEach.call(
    $("desk-text").content.querySelectorAll("[data-key]"),
    function (node) {
      words[node.dataset.key] = node.textContent;
    }
  );

  // A word for a server code; the code itself for one this page does not know yet.
  function tCode(prefix, code) {
    return Object.prototype.hasOwnProperty.call(words, prefix + code) ? t(prefix + code) : code;
  }

  function t(key, params) {
    var text = Object.prototype.hasOwnProperty.call(words, key) ? words[key] : key;
    Object.keys(params || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(params[name]));
    });
    return text;
  }

  // --- Errors ------------------------------------------------------------------------------
  function NetworkError() {
    this.name = "NetworkError";
  }
  function SessionEnded() {
    this.name = "SessionEnded";
  }
  function ApiError(status, problem) {
    this.name = "ApiError";
    this.status = status;
    this.problem = problem || {};
  }

  // --- base64url and JWT helpers -----------------------------------------------------------
  function base64urlBytes(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var binary = atob(b64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function base64urlJson(text) {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(base64urlBytes(text)));
  }

  function looksLikeJws(text) {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text);
  }

  function accessExpiry(token) {
    try {
      return base64urlJson(token.split(".")[1]).exp || 0;
    } catch (error) {
      return 0;
    }
  }

  // --- Dates ---------------------------------------------------------------------------------
  function nowSeconds() {
    return Date.now() / 1000;
  }

  function todayIso() {
    var d = new Date();
    var pad = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function showDate(iso) {
    if (!iso) return "";
    var parts = String(iso).split("-");
    return parts.length === 3 ? parts[2] + "/" + parts[1] + "/" + parts[0] : String(iso);
  }

  function showTime(date) {
    return date.toLocaleTimeString(document.documentElement.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
  }

  function showAge(ms) {
    var minutes = Math.floor(ms / 60000);
    if (minutes < 1) return t("age_now");
    if (minutes < 60) return t("age_minutes", { n: minutes });
    var hours = Math.floor(minutes / 60);
    if (hours < 48) return t("age_hours", { n: hours });
    return t("age_days", { n: Math.floor(hours / 24) });
  }

  // --- Session (tokens in memory, mirrored to sessionStorage for reloads) --------------------
  var session = {
    access: STORE.getItem(S_ACCESS),
    refresh: STORE.getItem(S_REFRESH),
    operator: STORE.getItem(S_OPERATOR),
  };
  var refreshing = null;

  function sessionSave(pair) {
    session.access = pair.access;
    session.refresh = pair.refresh;
    STORE.setItem(S_ACCESS, pair.access);
    STORE.setItem(S_REFRESH, pair.refresh);
  }

  function tokensClear() {
    session.access = session.refresh = session.operator = null;
    [S_ACCESS, S_REFRESH, S_OPERATOR].forEach(function (key) {
      STORE.removeItem(key);
    });
  }

  function sessionClear() {
    session.access = session.refresh = session.operator = null;
    [S_ACCESS, S_REFRESH, S_OPERATOR, S_QUEUE, S_FACILITY].forEach(function (key) {
      STORE.removeItem(key);
    });
    queue = [];
  }

  function timedFetch(url, options) {
    var controller = new AbortController();
    var timer = setTimeout(function () {
      controller.abort();
    }, REQUEST_TIMEOUT_MS);
    options = Object.assign({ signal: controller.signal, cache: "no-store" }, options || {});
    return fetch(url, options).then(
      function (response) {
        clearTimeout(timer);
        // A proxy answering for an unreachable server is the network failing, not a verdict.
        if (response.status === 502 || response.status === 503 || response.status === 504) {
          throw new NetworkError();
        }
        return response;
      },
      function () {
        clearTimeout(timer);
        throw new NetworkError();
      }
    );
  }

  function readJson(response) {
    return response.json().catch(function () {
      return {};
    });
  }

  function postJson(path, body, access) {
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (access) headers.Authorization = "Bearer " + access;
    return timedFetch(API + path, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(body),
      credentials: "omit",
    });
  }

  function refreshTokens() {
    if (!session.refresh) return Promise.reject(new SessionEnded());
    if (!refreshing) {
      refreshing = postJson("/auth/token/refresh", { refresh: session.refresh })
        .then(function (response) {
          if (!response.ok) throw new SessionEnded();
          return response.json();
        })
        .then(sessionSave)
        .finally(function () {
          refreshing = null;
        });
    }
    return refreshing;
  }

  function freshAccess() {
    if (session.access && accessExpiry(session.access) > nowSeconds() + 20) {
      return Promise.resolve(session.access);
    }
    return refreshTokens().then(function () {
      return session.access;
    });
  }

  // An API call with the operator's token: refreshed ahead of expiry, and once more on 401.
  function api(method, path, body) {
    var attempt = function (access) {
      var headers = { Accept: "application/json", Authorization: "Bearer " + access };
      var options = { method: method, headers: headers, credentials: "omit" };
      if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        options.body = JSON.stringify(body);
      }
      return timedFetch(API + path, options);
    };
    return freshAccess()
      .then(attempt)
      .then(function (response) {
        if (response.status !== 401) return response;
        return refreshTokens().then(function () {
          return attempt(session.access);
        });
      })
      .then(function (response) {
        if (response.status === 401) throw new SessionEnded();
        return readJson(response).then(function (data) {
          if (!response.ok) throw new ApiError(response.status, data);
          return data;
        });
      });
  }

  // --- Keys for offline checks (public, so localStorage is fine) ------------------------------
  function jwksCached() {
    try {
      var cached = JSON.parse(KEYS_STORE.getItem(K_JWKS) || "null");
      return cached && Array.isArray(cached.keys) ? cached : null;
    } catch (error) {
      return null;
    }
  }

  function jwksRefresh() {
    return timedFetch(JWKS_URL, { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) return;
        return response.json().then(function (set) {
          if (!set || !Array.isArray(set.keys)) return;
          KEYS_STORE.setItem(K_JWKS, JSON.stringify({ keys: set.keys, fetchedAt: Date.now() }));
          networkSeen(true);
        });
      })
      .catch(function (error) {
        if (error instanceof NetworkError) networkSeen(false);
      })
      .finally(renderKeys);
  }

  function keyCached(token) {
    var cached = jwksCached();
    try {
      var kid = base64urlJson(token.split(".")[0]).kid;
      return !!cached && cached.keys.some(function (key) {
        return key.kid === kid;
      });
    } catch (error) {
      return true; // not a token we could read: nothing to fetch for it
    }
  }

  function keysAgeText() {
    var cached = jwksCached();
    return cached ? showAge(Date.now() - cached.fetchedAt) : "";
  }

  // --- Offline verification with WebCrypto Ed25519 --------------------------------------------
  var importedKeys = {};

  function publicKeyFor(jwk) {
    var id = jwk.kid + ":" + jwk.x;
    if (!importedKeys[id]) {
      importedKeys[id] = crypto.subtle.importKey(
        "jwk",
        { kty: "OKP", crv: "Ed25519", x: jwk.x },
        { name: "Ed25519" },
        false,
        ["verify"]
      );
    }
    return importedKeys[id];
  }

  function audienceMatches(aud) {
    return aud === config.audience || (Array.isArray(aud) && aud.indexOf(config.audience) >= 0);
  }

  function claimsComplete(claims) {
    return (
      claims &&
      typeof claims === "object" &&
      claims.iss === config.issuer &&
      audienceMatches(claims.aud) &&
      typeof claims.iat === "number" &&
      typeof claims.exp === "number" &&
      typeof claims.jti === "string" &&
      typeof claims.cn === "string" &&
      config.cardPattern.test(claims.cn)
    );
  }

  // Resolves to {result, claims?, reason?}: result is valid, expired, bad_signature,
  // malformed or no_keys, as the server would answer without the card's current status.
  function verifyOffline(text) {
    // As the server does: the header first, then the signature over the raw parts, and
    // only then the claims, so tampered claims are a bad signature whatever they decode to.
    var parts = text.split(".");
    var header;
    var signature;
    try {
      header = base64urlJson(parts[0]);
      base64urlBytes(parts[1]);
      signature = base64urlBytes(parts[2]);
    } catch (error) {
      return Promise.resolve({ result: "malformed" });
    }
    if (!header || header.alg !== "EdDSA" || header.typ !== config.tokenType) {
      return Promise.resolve({ result: "malformed" });
    }
    if (!window.crypto || !crypto.subtle) {
      return Promise.resolve({ result: "no_keys", reason: "no_crypto" });
    }
    var cached = jwksCached();
    if (!cached) return Promise.resolve({ result: "no_keys", reason: "no_keys" });
    var jwk = cached.keys.filter(function (key) {
      return key.kid === header.kid && key.kty === "OKP" && key.crv === "Ed25519";
    })[0];
    if (!jwk) return Promise.resolve({ result: "bad_signature", reason: "unknown_key" });
    var signed = new TextEncoder().encode(parts[0] + "." + parts[1]);
    return publicKeyFor(jwk)
      .then(function (key) {
        return crypto.subtle.verify({ name: "Ed25519" }, key, signature, signed);
      })
      .catch(function () {
        return false;
      })
      .then(function (good) {
        if (!good) return { result: "bad_signature", reason: "bad_signature" };
        var claims;
        try {
          claims = base64urlJson(parts[1]);
        } catch (error) {
          return { result: "malformed" };
        }
        if (!claimsComplete(claims)) return { result: "malformed" };
        if (nowSeconds() > claims.exp + LEEWAY) {
          return { result: "expired", claims: claims, reason: "token_expired" };
        }
        if (claims.vt && claims.vt < todayIso()) {
          return { result: "expired", claims: claims, reason: "card_expired" };
        }
        return { result: "valid", claims: claims };
      });
  }

  // --- Queue of scans made offline ----------------------------------------------------------
  var queue = [];
  try {
    queue = JSON.parse(STORE.getItem(S_QUEUE) || "[]");
  } catch (error) {
    queue = [];
  }
  var sent = [];
  var flushing = false;

  function queueSave() {
    STORE.setItem(S_QUEUE, JSON.stringify(queue));
    renderQueue();
  }

  function queueAdd(text, verdict) {
    queue.push({
      qr: text,
      scanned_at: new Date().toISOString(),
      name: verdict.claims.nm || verdict.claims.cn,
      offline: verdict.result,
    });
    queueSave();
  }

  function queueFlush() {
    if (flushing || !queue.length || !(session.access || session.refresh)) {
      return Promise.resolve();
    }
    flushing = true;
    var next = function () {
      if (!queue.length) return Promise.resolve();
      var item = queue[0];
      return api("POST", "/clinic/verify", { qr: item.qr, scanned_at: item.scanned_at })
        .then(function (body) {
          sent.unshift({ item: item, result: body.result });
        })
        .catch(function (error) {
          if (!(error instanceof ApiError) || error.status !== 400) throw error;
          sent.unshift({ item: item, refused: problemText(error) });
        })
        .then(function () {
          queue.shift();
          queueSave();
          networkSeen(true);
          return next();
        });
    };
    return next()
      .catch(function (error) {
        if (error instanceof NetworkError) networkSeen(false);
        else if (error instanceof SessionEnded) sessionEnded();
      })
      .finally(function () {
        flushing = false;
        renderQueue();
      });
  }

  // --- Rendering ------------------------------------------------------------------------------
  var online = navigator.onLine;

  function networkSeen(up) {
    // A "needs the network" answer is stale once the network is back.
    if (up && !online && $("result").dataset.result === "needs_network") showIdle();
    online = up;
    renderNetwork();
    if (up) queueFlush();
  }

  function renderNetwork() {
    var pill = $("network-status");
    pill.textContent = online ? t("online") : t("offline");
    pill.className = "pill " + (online ? "pill-online" : "pill-offline");
    renderKeys();
  }

  function renderKeys() {
    var cached = jwksCached();
    var node = $("keys-status");
    if (!cached) {
      node.textContent = t("keys_none");
      node.className = "keys keys-old";
    } else if (Date.now() - cached.fetchedAt > JWKS_OLD_MS) {
      node.textContent = t("keys_old", { age: keysAgeText() });
      node.className = "keys keys-old";
    } else {
      node.textContent = t("keys_age", { age: keysAgeText() });
      node.className = "keys";
    }
  }

  function renderQueue() {
    var section = $("queue-section");
    section.hidden = !queue.length && !sent.length;
    $("queue-count").textContent = queue.length
      ? t("queue_count", { n: queue.length })
      : t("queue_empty");
    var list = $("queue-list");
    list.replaceChildren();
    queue.forEach(function (item) {
      var expired = item.offline === "expired";
      var status = t("queue_waiting") + (expired ? " \u00b7 " + t("result_expired") : "");
      list.appendChild(scanLine(item, status, expired ? "bad" : "waiting"));
    });
    var done = $("sent-list");
    done.replaceChildren();
    sent.slice(0, 10).forEach(function (entry) {
      var text = entry.refused
        ? t("queue_refused", { reason: entry.refused })
        : t("queue_sent", { result: tCode("result_", entry.result) });
      var tone = entry.result === "valid" ? "ok" : "bad";
      var line = scanLine(entry.item, text, tone);
      line.dataset.result = entry.result || "refused";
      done.appendChild(line);
    });
  }

  function scanLine(item, status, tone) {
    var line = document.createElement("li");
    line.className = "scan-line scan-" + tone;
    var when = document.createElement("span");
    when.className = "when";
    when.textContent = showTime(new Date(item.scanned_at));
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = item.name;
    var what = document.createElement("span");
    what.className = "what";
    what.textContent = status;
    line.append(when, who, what);
    return line;
  }

  var SYMBOLS = { ok: "\u2713", warn: "!", bad: "\u2717", info: "!", idle: "" };
  var TONE = {
    valid: "ok",
    offline_valid: "warn",
    expired: "bad",
    revoked: "bad",
    suspended: "bad",
    unknown_card: "bad",
    bad_signature: "bad",
    malformed: "bad",
    mismatch: "bad",
    needs_network: "info",
    no_keys: "info",
    checking: "info",
    idle: "idle",
  };

  function showResult(view) {
    var panel = $("result");
    var tone = TONE[view.result] || "bad";
    panel.className = "result result-" + tone;
    panel.dataset.result = view.result;
    panel.dataset.mode = view.mode || "";
    $("result-symbol").textContent = view.result === "checking" ? "\u2026" : SYMBOLS[tone];
    $("result-word").textContent = view.word;
    $("result-code").textContent = view.code || "";
    $("result-note").textContent = view.note || "";
    var details = $("result-details");
    details.replaceChildren();
    (view.rows || []).forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") return;
      var term = document.createElement("dt");
      term.textContent = row[0];
      var value = document.createElement("dd");
      value.textContent = row[1];
      if (row[2]) value.className = row[2];
      details.append(term, value);
    });
  }

  function showIdle() {
    showResult({ result: "idle", word: t("ready"), note: t("ready_note") });
  }

  function showChecking() {
    showResult({ result: "checking", word: t("checking") });
  }

  function benefitText(level) {
    return level ? t("benefit_text", { level: level, percent: (COVERAGE[level] || "?") + "%" }) : "";
  }

  function validityText(from, to) {
    if (!from) return "";
    return to
      ? t("validity_range", { from: showDate(from), to: showDate(to) })
      : t("validity_open", { from: showDate(from) });
  }

  function genderText(gender) {
    if (gender === "male" || gender === "m") return t("gender_male");
    if (gender === "female" || gender === "f") return t("gender_female");
    return gender || "";
  }

  function showOnline(body, guessedSource) {
    var card = body.card;
    var rows = [];
    if (card) {
      var facility = card.registered_facility || {};
      var here = card.at_registered_facility ? t("facility_here") : t("facility_elsewhere");
      // A card registered here tells the desk its own facility, for offline answers.
      if (card.at_registered_facility && facility.code) STORE.setItem(S_FACILITY, facility.code);
      rows = [
        [t("field_name"), card.full_name, "big"],
        [t("field_dob"), showDate(card.date_of_birth), "big"],
        [t("field_gender"), genderText(card.gender)],
        [t("field_card_number"), card.card_number, "mono"],
        [t("field_benefit"), t("benefit_text", {
          level: card.benefit_level, percent: card.coverage_percent + "%",
        })],
        [t("field_facility"), facility.code + " " + facility.name + " (" + here + ")",
          card.at_registered_facility ? "" : "attention"],
        [t("field_validity"), validityText(card.valid_from, card.valid_to)],
        [t("field_five_year"), card.five_year_date ? showDate(card.five_year_date) : t("five_year_none")],
        [t("field_status"), tCode("status_", card.status)],
      ];
    }
    var source = body.source || guessedSource;
    if (source) rows.push([t("field_source"), tCode("source_", source)]);
    var note = Object.prototype.hasOwnProperty.call(words, "note_" + body.result)
      ? t("note_" + body.result)
      : "";
    if (body.result === "valid" && (source === "paper_card" || source === "typed")) {
      note += " " + t("caution_" + source);
    }
    rows.push([t("field_checked"), t("checked_online", { time: showTime(new Date()) })]);
    showResult({
      result: body.result,
      mode: "online",
      word: tCode("result_", body.result),
      code: body.result,
      note: note,
      rows: rows,
    });
  }

  function offlineFacilityText(code) {
    var mine = STORE.getItem(S_FACILITY);
    if (!mine || !code) return code;
    return code + " (" + (code === mine ? t("facility_here") : t("facility_elsewhere")) + ")";
  }

  function showOffline(verdict) {
    var claims = verdict.claims;
    var rows = [];
    if (claims) {
      rows = [
        [t("field_name"), claims.nm, "big"],
        [t("field_dob"), showDate(claims.dob), "big"],
        [t("field_gender"), genderText(claims.g)],
        [t("field_card_number"), claims.cn, "mono"],
        [t("field_benefit"), benefitText(claims.bl)],
        [t("field_facility"), offlineFacilityText(claims.fc)],
        [t("field_validity"), validityText(claims.vf, claims.vt)],
        [t("field_five_year"), claims.fy ? showDate(claims.fy) : t("five_year_none")],
        [t("field_status"), t("status_unchecked"), "attention"],
        [t("field_source"), t("source_signed_qr")],
      ];
    }
    var age = keysAgeText();
    var time = showTime(new Date());
    rows.push([t("field_checked"), age
      ? t("checked_offline", { time: time, age: age })
      : t("checked_offline_no_keys", { time: time })]);
    var result = verdict.result === "valid" ? "offline_valid" : verdict.result;
    var note = {
      offline_valid: "note_offline_valid",
      expired: verdict.reason === "card_expired" ? "note_offline_card_expired" : "note_offline_expired",
      bad_signature: verdict.reason === "unknown_key" ? "note_offline_unknown_key" : "note_offline_bad_signature",
      malformed: "note_offline_malformed",
      no_keys: verdict.reason === "no_crypto" ? "note_no_crypto" : "note_no_keys",
    }[result];
    showResult({
      result: result,
      mode: "offline",
      word: t("result_" + result),
      // The bare code "valid" would read as a full check: offline it is only the network state.
      code: (result === "offline_valid" ? "" : verdict.result + " \u00b7 ") + t("offline"),
      note: t(note),
      rows: rows,
    });
  }

  function showNeedsNetwork() {
    showResult({
      result: "needs_network",
      mode: "offline",
      word: t("result_needs_network"),
      code: t("offline"),
      note: t("note_needs_network"),
    });
  }

  function problemText(error) {
    var problem = error.problem || {};
    var first = (problem.errors || [])[0];
    return (first && first.detail) || problem.detail || problem.title || t("server_error");
  }

  function showProblem(error) {
    if (error && error.problem && error.problem.code === "clinic_without_facility") {
      showResult({ result: "malformed", word: t("signin_no_facility"), note: "" });
      return;
    }
    showResult({
      result: "malformed",
      word: t("server_error"),
      code: error && error.status ? String(error.status) : "",
      note: error instanceof ApiError ? problemText(error) : "",
    });
  }

  // --- Scanning and looking up ----------------------------------------------------------------
  // Scans are checked one after another, in the order they were made: a scan that arrives
  // while the previous one is still being checked waits for it, never gets lost.
  var pending = Promise.resolve();

  function verifyText(text) {
    var signed = looksLikeJws(text);
    var guessed = signed ? "signed_qr" : null;
    showChecking();
    var offline = function () {
      networkSeen(false);
      if (!signed) {
        // Paper-card and ID-card texts are fields separated by "|"; anything else is no
        // card code at all, with or without the network.
        if (text.indexOf("|") >= 0) showNeedsNetwork();
        else showOffline({ result: "malformed" });
        return;
      }
      return verifyOffline(text).then(function (verdict) {
        if (verdict.claims) queueAdd(text, verdict);
        showOffline(verdict);
      });
    };
    if (!navigator.onLine) return offline();
    return api("POST", "/clinic/verify", { qr: text })
      .then(function (body) {
        networkSeen(true);
        showOnline(body, guessed);
        if (signed && !keyCached(text)) jwksRefresh(); // a key we have not seen: rotated
      })
      .catch(function (error) {
        if (error instanceof NetworkError) return offline();
        if (error instanceof SessionEnded) return sessionEnded();
        showProblem(error);
      });
  }

  function lookup(number, dateOfBirth) {
    var field = number.length === 12 ? "national_id" : "social_insurance_number";
    var body = { date_of_birth: dateOfBirth };
    body[field] = number;
    showChecking();
    if (!navigator.onLine) {
      networkSeen(false);
      showNeedsNetwork();
      return Promise.resolve();
    }
    return api("POST", "/clinic/verify", body)
      .then(function (answer) {
        networkSeen(true);
        showOnline(answer, "typed");
      })
      .catch(function (error) {
        if (error instanceof NetworkError) {
          networkSeen(false);
          return showNeedsNetwork();
        }
        if (error instanceof SessionEnded) return sessionEnded();
        showProblem(error);
      });
  }

  function guarded(work) {
    pending = pending
      .then(work)
      .catch(function (error) {
        showProblem(error);
      })
      .finally(focusScan);
    return pending;
  }

  function focusScan() {
    if (!$("desk-section").hidden && camera === null) $("scan-input").focus();
  }

  $("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = $("scan-input");
    var text = input.value.trim();
    input.value = "";
    if (!text) return;
    guarded(function () {
      return verifyText(text.slice(0, config.maxLength));
    });
  });

  // "12/05/1990", "12-05-1990", "12.05.1990" or "12051990" (day first, as written in Viet
  // Nam), or ISO "1990-05-12"; null when it is not a real date.
  function parseBirthDate(text) {
    var value = text.trim();
    var iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    var dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value) || /^(\d{2})(\d{2})(\d{4})$/.exec(value);
    var parts = iso ? [iso[3], iso[2], iso[1]] : dmy ? [dmy[1], dmy[2], dmy[3]] : null;
    if (!parts) return null;
    var day = parseInt(parts[0], 10);
    var month = parseInt(parts[1], 10);
    var year = parseInt(parts[2], 10);
    var date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      return null;
    }
    return date.toISOString().slice(0, 10);
  }

  $("lookup-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var number = $("lookup-number").value.replace(/\s+/g, "");
    var dateOfBirth = parseBirthDate($("lookup-dob").value);
    var error = $("lookup-error");
    var problem = !/^(\d{10}|\d{12})$/.test(number)
      ? "lookup_number_invalid"
      : !dateOfBirth
        ? "lookup_dob_missing"
        : null;
    error.hidden = !problem;
    error.textContent = problem ? t(problem) : "";
    if (problem) {
      (problem === "lookup_dob_missing" ? $("lookup-dob") : $("lookup-number")).focus();
      return;
    }
    $("lookup-number").value = "";
    $("lookup-dob").value = "";
    guarded(function () {
      return lookup(number, dateOfBirth);
    });
  });

  // The scan field keeps the focus: whatever the scanner types lands in it, unless the
  // operator has moved to another control on purpose.
  document.addEventListener("focusout", function () {
    setTimeout(function () {
      var active = document.activeElement;
      if (!active || active === document.body || active === document.documentElement) {
        focusScan();
      }
    }, 0);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !$("desk-section").hidden) {
      stopCamera();
      showIdle();
      $("scan-input").value = "";
      $("scan-input").focus();
    }
  });

  // --- Camera, where the browser has BarcodeDetector -----------------------------------------
  var camera = null;

  function stopCamera() {
    if (!camera) return;
    camera.stopped = true;
    camera.stream.getTracks().forEach(function (track) {
      track.stop();
    });
    camera = null;
    $("camera-panel").hidden = true;
    $("camera-video").srcObject = null;
    focusScan();
  }

  function startCamera() {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        camera = { stream: stream, stopped: false };
        var video = $("camera-video");
        video.srcObject = stream;
        $("camera-panel").hidden = false;
        $("camera-stop").focus();
        return video.play().then(function () {
          var current = camera;
          var look = function () {
            if (current.stopped) return;
            detector
              .detect(video)
              .then(function (codes) {
                if (current.stopped) return;
                if (codes.length && codes[0].rawValue) {
                  var text = codes[0].rawValue.trim();
                  stopCamera();
                  guarded(function () {
                    return verifyText(text);
                  });
                  return;
                }
                setTimeout(look, 200);
              })
              .catch(function () {
                setTimeout(look, 500);
              });
          };
          look();
        });
      })
      .catch(function () {
        stopCamera();
        showResult({ result: "malformed", word: t("camera_failed") });
      });
  }

  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    $("camera-button").hidden = false;
    $("camera-button").addEventListener("click", startCamera);
    $("camera-stop").addEventListener("click", stopCamera);
  }

  // --- Signing in and out ---------------------------------------------------------------------
  function showSignin(message) {
    $("desk-section").hidden = true;
    $("signin-section").hidden = false;
    ["network-status", "keys-status", "operator", "signout-button"].forEach(function (id) {
      $(id).hidden = true;
    });
    var error = $("signin-error");
    error.hidden = !message;
    error.textContent = message || "";
    ($("signin-username").value ? $("signin-password") : $("signin-username")).focus();
  }

  function showDesk() {
    $("signin-section").hidden = true;
    $("desk-section").hidden = false;
    ["network-status", "keys-status", "operator", "signout-button"].forEach(function (id) {
      $(id).hidden = false;
    });
    $("operator").textContent = t("signed_in_as", { name: session.operator || "" });
    renderNetwork();
    renderQueue();
    showIdle();
    focusScan();
    jwksRefresh();
    queueFlush();
  }

  function sessionEnded() {
    // Queued scans stay (in this tab) for the next sign-in; tokens go.
    tokensClear();
    showSignin(t("session_ended"));
  }

  function bestEffortLogout(access) {
    if (!access) return Promise.resolve();
    return postJson("/auth/logout", {}, access).catch(function () {});
  }

  $("signin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var username = $("signin-username").value.trim();
    var password = $("signin-password").value;
    $("signin-password").value = ""; // never kept in the page, whatever the answer
    var otp = $("signin-otp").value.trim();
    var button = $("signin-button");
    button.disabled = true;
    var body = { username: username, password: password, device_name: "Clinic desk (browser)" };
    if (otp) body.otp = otp;
    postJson("/auth/token", body)
      .then(function (response) {
        return readJson(response).then(function (data) {
          if (!response.ok) throw new ApiError(response.status, data);
          sessionSave(data);
          return api("GET", "/me");
        });
      })
      .then(function (me) {
        if (me.role !== "clinic") {
          var access = session.access;
          tokensClear();
          return bestEffortLogout(access).then(function () {
            showSignin(t("signin_wrong_role"));
          });
        }
        session.operator = me.full_name || me.username;
        STORE.setItem(S_OPERATOR, session.operator);
        $("signin-otp").value = "";
        showDesk();
      })
      .catch(function (error) {
        if (error instanceof NetworkError) return showSignin(t("signin_needs_network"));
        if (error instanceof ApiError && error.problem && error.problem.detail) {
          return showSignin(error.problem.detail);
        }
        showSignin(t("signin_failed"));
      })
      .finally(function () {
        button.disabled = false;
      });
  });

  $("signout-button").addEventListener("click", function () {
    queueFlush().then(function () {
      if (queue.length && !window.confirm(t("signout_queue_confirm", { n: queue.length }))) {
        focusScan();
        return;
      }
      var access = session.access;
      stopCamera();
      sessionClear();
      sent = [];
      renderQueue();
      showIdle();
      $("scan-input").value = "";
      $("lookup-number").value = "";
      $("lookup-dob").value = "";
      $("signin-username").value = "";
      bestEffortLogout(access);
      showSignin("");
    });
  });

  // --- Network changes and timers -------------------------------------------------------------
  window.addEventListener("online", function () {
    networkSeen(true);
    jwksRefresh();
  });
  window.addEventListener("offline", function () {
    networkSeen(false);
  });
  // Closing the tab would lose scans not yet sent: the browser asks first.
  window.addEventListener("beforeunload", function (event) {
    if (queue.length) event.preventDefault();
  });
  setInterval(function () {
    if (session.access && navigator.onLine) jwksRefresh();
  }, JWKS_REFRESH_MS);
  setInterval(function () {
    if (queue.length && navigator.onLine) queueFlush();
    if (!$("desk-section").hidden) renderKeys();
  }, QUEUE_RETRY_MS);

  // The service worker keeps this page and its files for a reload without network. It is
  // fetched while online (offline, once the network returns); a browser without service
  // workers still works, online.
  function workerRegister() {
    if (!navigator.onLine) {
      window.addEventListener("online", workerRegister, { once: true });
      return;
    }
    navigator.serviceWorker
      .register(app.dataset.worker, { scope: app.dataset.workerScope })
      .catch(function () {
        window.addEventListener("online", workerRegister, { once: true }); // lost the network
      });
  }
  if ("serviceWorker" in navigator && app.dataset.worker) workerRegister();

  if (session.operator && (session.access || session.refresh)) {
    showDesk();
  } else {
    showSignin("");
  }
})();
