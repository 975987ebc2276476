/* spotcheck browser verifier: the checks of docs/draw-protocol.md §13, in the browser.
 *
 * A port of the reference verifier src/spotcheck/engine/verify.py, kept in the same order
 * so that every input gets the same verdict (exit class 0/1/2) and the same first failing
 * check id: first the form of the document (Shape: key sets, grammar, order; exit 2), then the
 * recomputation (Verifier: digests, seed, history chain, Merkle roots, sample sizes, exact
 * inclusion probabilities with BigInt, ticket order, systematic selection, teams and
 * recusals; exit 1). tests/browser/test_js_verifier.py runs both on every test vector and
 * every case of the negative corpus and requires equal verdicts.
 *
 * S.verifyBytes(proofBytes, {commitment: bytes|null, expectDigest: string|null}) is a
 * generator: it yields progress objects {phase, done, total} and returns the report
 * {exit, problems: [{check, message, fatal}], summary, historyLines, facts, ran}. Driving
 * it to the end synchronously (S.runToEnd) is what the Web Worker does; the page's
 * main-thread fallback drives it in slices so the progress bar can repaint.
 */
(function (factory) {
  var S = (globalThis.SpotcheckVerify = globalThis.SpotcheckVerify || { parts: [] });
  S.parts.push(factory);
  factory(S);
})(function (S) {
  "use strict";

  var PROTOCOL = "spotcheck-draw/2";
  var M = 4294967296;
  var MB = 4294967296n;
  var MAX_WEIGHT = 1099511627776; // 2^40
  var MAX_SAMPLE = 16777216; // 2^24
  var MAX_STRATUM_WEIGHT = 9007199254740992; // 2^53
  var MAX_PER_CHECK = 10;
  var YIELD_EVERY = 4096;

  var TAG = {
    commitment: "spotcheck/v1/commitment",
    nonce: "spotcheck/v1/nonce",
    seed: "spotcheck/v1/seed",
    start: "spotcheck/v1/start",
    target: "spotcheck/v1/ticket/target",
    inspector: "spotcheck/v1/ticket/inspector",
  };

  var DECIMAL_RE = /^(?:0|1|0\.[0-9]*[1-9])$/;
  var TIME_RE =
    /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|([+-])([0-9]{2}):([0-9]{2}))$/;
  var DATE_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
  var REASON_RE = /^[a-z][a-z0-9_]{0,39}$/;
  var HEX64_RE = /^[0-9a-f]{64}$/;
  var EVEN_HEX_RE = /^(?:[0-9a-f]{2})*$/;

  var PROOF_KEYS = [
    "protocol", "commitment", "commitment_digest", "nonce", "randomness", "ceremony",
    "history", "seed", "pool", "inspectors", "conflicts", "result", "teams", "recusals",
  ];
  var COMMITMENT_KEYS = [
    "protocol", "draw_id", "task", "hash", "previous", "params", "strata", "pool",
    "inspectors", "conflicts", "nonce_hash", "randomness_source", "committed_at",
    "code_version",
  ];
  var PARAM_KEYS = ["sample", "floor_weight", "risk_model_version", "team"];
  var TEAM_KEYS = ["size", "departments", "window_start", "window_end", "max_assignments"];
  var POOL_KEYS = [
    ["id", "stratum", "weight"],
    ["id", "stratum", "weight", "excluded"],
  ];
  var INSPECTOR_KEYS = ["cert_no", "department", "status", "valid_from", "valid_to"];
  var HISTORY_KEYS = [
    "draw_id", "commitment", "commitment_digest", "state", "aborted_at", "abort_reason", "nonce",
  ];
  var STRATUM_KEYS = ["name", "population", "sample_size", "take_all", "start"];
  var RECUSAL_KEYS = ["inspector", "target", "reason", "replacement"];

  // ---- small helpers ---------------------------------------------------------------------

  var isObject = S.isObject;
  var cmpStr = S.cmpStr;
  var toHex = S.toHex;

  function isStr(v) {
    return typeof v === "string";
  }
  function isInt(v, low, high) {
    if (typeof v === "number") return v >= low && (high === undefined || v <= high);
    if (typeof v === "bigint") return v >= BigInt(low) && (high === undefined || v <= BigInt(high));
    return false;
  }
  // Integers compare equal across Number and BigInt; nothing else is equal to an integer.
  function ieq(a, b) {
    var ta = typeof a;
    var tb = typeof b;
    if ((ta === "number" || ta === "bigint") && (tb === "number" || tb === "bigint")) return a == b; // eslint-disable-line eqeqeq
    return a === b;
  }
  function num(v) {
    return typeof v === "bigint" ? Number(v) : v;
  }
  // Python's str.isspace() characters (str.strip() removes these).
  var SPACE = new Set(
    "\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000".split(
      ""
    )
  );
  function stripped(v) {
    return v.length === 0 || (!SPACE.has(v[0]) && !SPACE.has(v[v.length - 1]));
  }
  function strip(v) {
    var a = 0;
    var b = v.length;
    while (a < b && SPACE.has(v[a])) a++;
    while (b > a && SPACE.has(v[b - 1])) b--;
    return v.slice(a, b);
  }
  function isId(v) {
    return isStr(v) && v !== "" && v.indexOf("\u0000") < 0 && stripped(v);
  }
  function utf8Check(s) {
    if (!S.wellFormed(s)) S.utf8(s); // throws the encode error
  }
  var u8 = S.utf8;
  function hasKeys(obj, keys) {
    var own = Object.keys(obj);
    if (own.length !== keys.length) return false;
    for (var i = 0; i < keys.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(obj, keys[i])) return false;
    }
    return true;
  }
  function repr(v) {
    if (typeof v === "bigint") return v.toString();
    if (v === undefined) return "undefined";
    try {
      return JSON.stringify(v, function (k, x) {
        return typeof x === "bigint" ? x.toString() : x;
      });
    } catch (e) {
      return String(v);
    }
  }
  function sortedKeys(obj) {
    return Object.keys(obj).sort(cmpStr);
  }
  function short(items, limit) {
    limit = limit || 5;
    if (!items.length) return "-";
    var head = items.slice(0, limit).join(", ");
    return head + (items.length > limit ? " ... (" + items.length + " in all)" : "");
  }
  function concat(parts) {
    var n = 0;
    for (var i = 0; i < parts.length; i++) n += parts[i].length;
    var out = new Uint8Array(n);
    var o = 0;
    for (i = 0; i < parts.length; i++) {
      out.set(parts[i], o);
      o += parts[i].length;
    }
    return out;
  }
  function u32(n) {
    return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  }
  // F(a, b, ...) = u32(len(a)) || a || u32(len(b)) || b ...
  function F() {
    var parts = [];
    for (var i = 0; i < arguments.length; i++) {
      var p = arguments[i];
      if (typeof p === "string") p = u8(p);
      parts.push(u32(p.length), p);
    }
    return concat(parts);
  }
  function eqBytes(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function canonBytes(v) {
    return u8(S.canonical(v));
  }
  function commitmentDigest(h, c) {
    return h.digest(F(TAG.commitment, canonBytes(c)));
  }

  // Days since 0001-01-01 for a proleptic Gregorian date, or null if not a real date.
  function dayNumber(y, m, d) {
    if (y < 1 || m < 1 || m > 12 || d < 1) return null;
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    var dim = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
    if (d > dim) return null;
    var yy = m <= 2 ? y - 1 : y;
    var era = Math.floor(yy / 400);
    var yoe = yy - era * 400;
    var mp = (m + 9) % 12;
    var doy = Math.floor((153 * mp + 2) / 5) + d - 1;
    var doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe;
  }
  // An exact instant {s: whole seconds, f: fraction digits}, or null if not a timestamp.
  function parseInstant(v) {
    var m = isStr(v) ? TIME_RE.exec(v) : null;
    if (!m) return null;
    var day = dayNumber(+m[1], +m[2], +m[3]);
    if (day === null) return null;
    if (+m[4] > 23 || +m[5] > 59 || +m[6] > 59) return null;
    var offset = 0;
    if (m[8] !== "Z") {
      if (+m[10] > 23 || +m[11] > 59) return null;
      offset = (m[9] === "+" ? 1 : -1) * (+m[10] * 3600 + +m[11] * 60);
    }
    return {
      s: day * 86400 + +m[4] * 3600 + +m[5] * 60 + +m[6] - offset,
      f: (m[7] || "").replace(/0+$/, ""),
    };
  }
  function cmpInstant(a, b) {
    if (a.s !== b.s) return a.s < b.s ? -1 : 1;
    var n = Math.max(a.f.length, b.f.length);
    var x = a.f.padEnd(n, "0");
    var y = b.f.padEnd(n, "0");
    return x === y ? 0 : x < y ? -1 : 1;
  }
  function isDate(v) {
    var m = isStr(v) ? DATE_RE.exec(v) : null;
    return !!m && dayNumber(+m[1], +m[2], +m[3]) !== null;
  }

  // ---- Merkle trees (RFC 6962 §2.1) -------------------------------------------------------

  // Root over n leaves; writeLeaf(i, buf, off) writes leaf i's bytes at buf[off..] and returns
  // their length (ensureLeaf(i) returns an upper bound so the buffer can grow first).
  function* merkleRoot(h, n, leafBound, writeLeaf, phase) {
    if (n === 0) return h.digest(new Uint8Array(0));
    var level = new Uint8Array(n * 32);
    var buf = new Uint8Array(1024);
    for (var i = 0; i < n; i++) {
      var bound = leafBound(i) + 1;
      if (bound > buf.length) buf = new Uint8Array(2 * bound);
      buf[0] = 0;
      var len = writeLeaf(i, buf, 1);
      h.digestInto(buf, 0, len + 1, level, i * 32);
      if (phase && (i & (YIELD_EVERY - 1)) === 0) yield { phase: phase, done: i, total: 2 * n };
    }
    var node = new Uint8Array(65);
    node[0] = 1;
    var m = n;
    var doneNodes = 0;
    while (m > 1) {
      var half = m >> 1;
      for (var j = 0; j < half; j++) {
        node.set(level.subarray(64 * j, 64 * j + 64), 1);
        h.digestInto(node, 0, 65, level, 32 * j);
        if (phase && (++doneNodes & (YIELD_EVERY - 1)) === 0) {
          yield { phase: phase, done: n + doneNodes, total: 2 * n };
        }
      }
      if (m & 1) level.copyWithin(32 * half, 32 * (m - 1), 32 * m);
      m = half + (m & 1);
    }
    return level.slice(0, 32);
  }

  function runToEnd(gen) {
    for (;;) {
      var step = gen.next();
      if (step.done) return step.value;
    }
  }

  function merkleRootOfValues(h, values) {
    var encoded = values.map(canonBytes);
    return runToEnd(
      merkleRoot(
        h,
        encoded.length,
        function (i) {
          return encoded[i].length;
        },
        function (i, buf, off) {
          buf.set(encoded[i], off);
          return encoded[i].length;
        }
      )
    );
  }

  // ---- problems ------------------------------------------------------------------------------

  function Problems() {
    this.items = [];
    this.counts = Object.create(null);
  }
  Problems.prototype.add = function (check, message, fatal) {
    var n = (this.counts[check] = (this.counts[check] || 0) + 1);
    if (n <= MAX_PER_CHECK) this.items.push({ check: check, message: message, fatal: fatal });
  };
  Problems.prototype.bad = function (check, message) {
    this.add(check, message, true);
  };
  Problems.prototype.differs = function (check, message) {
    this.add(check, message, false);
  };
  Problems.prototype.isFatal = function () {
    for (var i = 0; i < this.items.length; i++) if (this.items[i].fatal) return true;
    return false;
  };
  Problems.prototype.finish = function () {
    var out = this.items.slice();
    for (var check in this.counts) {
      var n = this.counts[check];
      if (n > MAX_PER_CHECK) {
        var fatal = this.items.find(function (p) {
          return p.check === check;
        }).fatal;
        out.push({ check: check, message: "... and " + (n - MAX_PER_CHECK) + " more", fatal: fatal });
      }
    }
    return out;
  };

  // ---- Shape: grammar and form (exit 2) --------------------------------------------------

  function Shape(out) {
    this.out = out;
  }
  Shape.prototype.keys = function (obj, options, check, where) {
    if (!isObject(obj)) {
      this.out.bad(check, where + " must be an object");
      return false;
    }
    for (var i = 0; i < options.length; i++) if (hasKeys(obj, options[i])) return true;
    var want = options
      .map(function (o) {
        return repr(o.slice().sort());
      })
      .join(" or ");
    this.out.bad(check, where + " has keys " + repr(sortedKeys(obj)) + "; expected " + want);
    return false;
  };
  Shape.prototype.hex64 = function (v, where, check) {
    check = check || "hex";
    if (isStr(v) && HEX64_RE.test(v)) return true;
    if (isStr(v) && HEX64_RE.test(v.toLowerCase())) {
      this.out.bad("hex", where + " must be lowercase hex: " + repr(v));
    } else {
      this.out.bad(check, where + " must be 64 lowercase hex digits, got " + repr(v));
    }
    return false;
  };
  Shape.prototype.time = function (v, where) {
    if (parseInstant(v) === null) {
      this.out.bad("timestamp", where + " " + repr(v) + " is not YYYY-MM-DDTHH:MM:SS[.f](Z|+HH:MM)");
      return false;
    }
    return true;
  };
  Shape.prototype.ident = function (v, where, check) {
    if (!isId(v)) {
      this.out.bad(check, where + " " + repr(v) + " is not an id (non-empty, no NUL, no edge spaces)");
      return false;
    }
    return true;
  };
  Shape.prototype.listOf = function (v, where, check) {
    if (!Array.isArray(v)) {
      this.out.bad(check, where + " must be a list");
      return [];
    }
    return v;
  };

  Shape.prototype.commitment = function (c, where) {
    var out = this.out;
    var before = out.items.length;
    if (!this.keys(c, [COMMITMENT_KEYS], "commitment.keys", where)) return false;
    if (c.protocol !== PROTOCOL) {
      out.bad("protocol", where + ".protocol is " + repr(c.protocol) + "; this verifier checks " + PROTOCOL);
      return false;
    }
    if (c.hash !== "sha256" && c.hash !== "sm3") {
      out.bad("hash", where + ".hash " + repr(c.hash) + " is not sha256 or sm3");
    }
    if (!isStr(c.draw_id) || !c.draw_id) out.bad("schema", where + ".draw_id must be a non-empty string");
    if (!isStr(c.code_version)) out.bad("schema", where + ".code_version must be a string");
    if (!isObject(c.task)) out.bad("schema", where + ".task must be an object");
    var prev = c.previous;
    if (
      prev !== null &&
      this.keys(prev, [["draw_id", "commitment_digest"]], "previous.keys", where + ".previous")
    ) {
      if (!isStr(prev.draw_id) || !prev.draw_id) {
        out.bad("schema", where + ".previous.draw_id must be a non-empty string");
      }
      this.hex64(prev.commitment_digest, where + ".previous.commitment_digest");
    }
    this.params(c.params, where + ".params");
    var strata = c.strata;
    if (!isObject(strata)) {
      out.bad("schema", where + ".strata must be an object");
    } else {
      for (var name in strata) {
        var s = strata[name];
        this.ident(name, where + ".strata key", "schema");
        if (
          this.keys(s, [["population", "sample_size"]], "schema", where + ".strata[" + repr(name) + "]") &&
          !(isInt(s.population, 0) && isInt(s.sample_size, 0))
        ) {
          out.bad("schema", where + ".strata[" + repr(name) + "] needs integers >= 0");
        }
      }
    }
    if (this.keys(c.pool, [["count", "root", "excluded"]], "commitment.keys", where + ".pool")) {
      this.table(c.pool, where + ".pool");
      var ex = c.pool.excluded;
      var okEx = isObject(ex);
      if (okEx) {
        for (var k in ex) {
          if (!(REASON_RE.test(k) && isInt(ex[k], 1))) {
            okEx = false;
            break;
          }
        }
      }
      if (!okEx) out.bad("pool.excluded", where + ".pool.excluded must map reason codes to counts >= 1");
    }
    var tables = ["inspectors", "conflicts"];
    for (var t = 0; t < tables.length; t++) {
      if (this.keys(c[tables[t]], [["count", "root"]], "commitment.keys", where + "." + tables[t])) {
        this.table(c[tables[t]], where + "." + tables[t]);
      }
    }
    this.hex64(c.nonce_hash, where + ".nonce_hash");
    var committed = this.time(c.committed_at, where + ".committed_at");
    this.source(c.randomness_source, where + ".randomness_source", committed);
    return out.items.length === before;
  };
  Shape.prototype.table = function (t, where) {
    if (!isInt(t.count, 0)) this.out.bad("schema", where + ".count must be an integer >= 0");
    this.hex64(t.root, where + ".root");
  };
  Shape.prototype.params = function (p, where) {
    var out = this.out;
    if (!this.keys(p, [PARAM_KEYS], "params.keys", where)) return;
    if (!isInt(p.floor_weight, 1, MAX_WEIGHT)) {
      out.bad("params.keys", where + ".floor_weight must be an integer in [1, 2^40]");
    }
    if (!isInt(p.risk_model_version, 0)) {
      out.bad("params.keys", where + ".risk_model_version must be an integer >= 0");
    }
    var sample = p.sample;
    var ok = this.keys(sample, [["ratios", "minimum"], ["sizes"]], "params.sample", where + ".sample");
    var name;
    if (ok && "ratios" in sample) {
      if (!isInt(sample.minimum, 0)) out.bad("params.sample", where + ".sample.minimum must be an integer >= 0");
      if (!isObject(sample.ratios)) {
        out.bad("params.sample", where + ".sample.ratios must be an object");
      } else {
        for (name in sample.ratios) {
          var r = sample.ratios[name];
          if (!(isStr(r) && DECIMAL_RE.test(r))) {
            out.bad(
              "params.ratio",
              "ratio of " + repr(name) + " is " + repr(r) +
                "; canonical decimals are 0, 1 or 0.<digits> without a trailing 0"
            );
          }
        }
      }
    } else if (ok) {
      var sizesOk = isObject(sample.sizes);
      if (sizesOk) {
        for (name in sample.sizes) if (!isInt(sample.sizes[name], 0)) sizesOk = false;
      }
      if (!sizesOk) out.bad("params.sample", where + ".sample.sizes must map strata to integers >= 0");
    }
    var team = p.team;
    if (team === null || !this.keys(team, [TEAM_KEYS], "params.team", where + ".team")) return;
    var depts = team.departments;
    if (!isInt(team.size, 2)) {
      out.bad("params.team", where + ".team.size must be an integer >= 2");
    } else if (
      !(
        Array.isArray(depts) &&
        depts.every(function (d) {
          return isStr(d) && d;
        }) &&
        new Set(depts).size === depts.length &&
        depts.length <= team.size
      )
    ) {
      out.bad("params.team", where + ".team.departments must be distinct non-empty strings, at most size");
    }
    if (!(isDate(team.window_start) && isDate(team.window_end))) {
      out.bad("date", where + ".team window must be YYYY-MM-DD dates");
    } else if (team.window_start > team.window_end) {
      out.bad("params.team", where + ".team.window_start is after window_end");
    }
    if (team.max_assignments !== null && !isInt(team.max_assignments, 1)) {
      out.bad("params.team", where + ".team.max_assignments must be null or an integer >= 1");
    }
  };
  Shape.prototype.source = function (s, where) {
    var out = this.out;
    if (!this.keys(s, [["kind", "description", "items"]], "randomness.keys", where)) return;
    if (s.kind !== "beacon" && s.kind !== "lottery" && s.kind !== "witnesses") {
      out.bad("randomness.keys", where + ".kind " + repr(s.kind) + " is not beacon, lottery or witnesses");
    }
    if (!isStr(s.description)) out.bad("randomness.keys", where + ".description must be a string");
    var items = this.listOf(s.items, where + ".items", "randomness.items");
    if (Array.isArray(s.items) && !items.length) {
      out.bad("randomness.items", where + ".items is empty: at least one public value is needed");
    }
    var names = [];
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var at = where + ".items[" + i + "]";
      if (!this.keys(item, [["name"], ["name", "not_before"]], "randomness.keys", at)) continue;
      if (!isStr(item.name) || !item.name) {
        out.bad("randomness.names", at + ".name must be a non-empty string");
      } else if (names.indexOf(item.name) >= 0) {
        out.bad("randomness.names", at + ".name " + repr(item.name) + " is used twice");
      }
      names.push(item.name);
      if ("not_before" in item) this.time(item.not_before, at + ".not_before");
    }
  };

  Shape.prototype.proof = function (doc) {
    var out = this.out;
    if (!isObject(doc)) {
      out.bad("json", "the document is not a JSON object");
      return false;
    }
    if ("protocol" in doc && doc.protocol !== PROTOCOL) {
      out.bad("protocol", "protocol is " + repr(doc.protocol) + "; this verifier checks " + PROTOCOL);
      return false;
    }
    if (!this.keys(doc, [PROOF_KEYS], "proof.keys", "the proof")) return false;
    if (!this.commitment(doc.commitment, "commitment")) return false;
    this.hex64(doc.commitment_digest, "commitment_digest");
    this.hex64(doc.seed, "seed");
    var nonce = doc.nonce;
    if (isStr(nonce) && EVEN_HEX_RE.test(nonce) && nonce.length !== 64) {
      out.bad("nonce.length", "nonce is " + nonce.length / 2 + " bytes; the protocol requires 32");
    } else {
      this.hex64(nonce, "nonce");
    }
    var rs = this.listOf(doc.randomness, "randomness", "randomness.keys");
    for (var i = 0; i < rs.length; i++) {
      var r = rs[i];
      if (this.keys(r, [["name", "value", "published_at"]], "randomness.keys", "randomness[" + i + "]")) {
        if (!isStr(r.name) || !isStr(r.value) || !r.value) {
          out.bad("randomness.keys", "randomness[" + i + "] needs a string name and a non-empty string value");
        }
        this.time(r.published_at, "randomness[" + i + "].published_at");
      }
    }
    this.ceremony(doc.ceremony);
    this.pool(doc.pool);
    this.inspectors(doc.inspectors);
    S.conflicts.shape(this, doc);
    this.result(doc.result);
    this.teams(doc);
    var hist = this.listOf(doc.history, "history", "history.keys");
    for (i = 0; i < hist.length; i++) {
      var h = hist[i];
      var at = "history[" + i + "]";
      if (this.keys(h, [HISTORY_KEYS], "history.keys", at)) {
        this.commitment(h.commitment, at + ".commitment");
        if (h.state !== "aborted") {
          out.bad("history.keys", at + ".state is " + repr(h.state) + "; earlier draws are 'aborted'");
        }
        if (!isStr(h.draw_id) || !isStr(h.abort_reason)) {
          out.bad("history.keys", at + ": draw_id and abort_reason must be strings");
        }
        this.hex64(h.commitment_digest, at + ".commitment_digest");
        this.time(h.aborted_at, at + ".aborted_at");
        if (h.nonce !== null) this.hex64(h.nonce, at + ".nonce", "nonce.length");
      }
    }
    return !out.isFatal();
  };
  Shape.prototype.ceremony = function (c) {
    if (!this.keys(c, [["entered_by", "witnesses"]], "ceremony", "ceremony")) return;
    if (!isStr(c.entered_by) || !strip(c.entered_by)) {
      this.out.bad("ceremony", "ceremony.entered_by must name who entered the randomness");
    }
    var w = c.witnesses;
    if (
      !Array.isArray(w) ||
      !w.every(function (x) {
        return isStr(x) && strip(x);
      })
    ) {
      this.out.bad("ceremony", "ceremony.witnesses must be a list of non-empty names");
    }
  };
  Shape.prototype.pool = function (lines) {
    var out = this.out;
    var prev = null;
    lines = this.listOf(lines, "pool", "pool.keys");
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (!this.keys(line, POOL_KEYS, "pool.keys", "pool[" + i + "]")) continue;
      var ok = this.ident(line.id, "pool[" + i + "].id", "pool.line");
      this.ident(line.stratum, "pool[" + i + "].stratum", "pool.line");
      if (!isInt(line.weight, 1, MAX_WEIGHT)) {
        out.bad("pool.line", "pool[" + i + "].weight " + repr(line.weight) + " is not an integer in [1, 2^40]");
      }
      if ("excluded" in line && !(isStr(line.excluded) && REASON_RE.test(line.excluded))) {
        out.bad(
          "pool.line",
          "pool[" + i + "].excluded " + repr(line.excluded) + " is not a reason code [a-z][a-z0-9_]{0,39}"
        );
      }
      if (ok) {
        utf8Check(line.id);
        if (prev !== null) {
          var c = cmpStr(line.id, prev);
          if (c <= 0) {
            out.bad(
              "pool.order",
              "pool[" + i + "] (" + repr(line.id) + ") " + (c === 0 ? "repeats" : "is not after") +
                " pool[" + (i - 1) + "] (canonical order is ascending UTF-8 bytes of id, unique)"
            );
          }
        }
        prev = line.id;
      }
    }
  };
  Shape.prototype.inspectors = function (lines) {
    var out = this.out;
    var prev = null;
    lines = this.listOf(lines, "inspectors", "inspectors.keys");
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      var at = "inspectors[" + i + "]";
      if (!this.keys(line, [INSPECTOR_KEYS], "inspectors.keys", at)) continue;
      var ok = this.ident(line.cert_no, at + ".cert_no", "inspectors.line");
      if (!(isStr(line.department) && isStr(line.status))) {
        out.bad("inspectors.line", at + ": department and status must be strings");
      }
      if (!isDate(line.valid_from) || !(line.valid_to === null || isDate(line.valid_to))) {
        out.bad("date", at + ": valid_from must be YYYY-MM-DD, valid_to YYYY-MM-DD or null");
      }
      if (ok) {
        utf8Check(line.cert_no);
        if (prev !== null && cmpStr(line.cert_no, prev) <= 0) {
          out.bad("inspectors.order", at + " (" + repr(line.cert_no) + ") is not after inspectors[" + (i - 1) + "]");
        }
        prev = line.cert_no;
      }
    }
  };
  Shape.prototype.record = function (obj, keys, check, where, valid) {
    if (this.keys(obj, [keys], check, where) && !valid(obj)) {
      this.out.bad(check, where + ": a value has the wrong type or range");
    }
  };
  Shape.prototype.result = function (r) {
    if (!this.keys(r, [["strata", "selected"]], "result.keys", "result")) return;
    var strata = this.listOf(r.strata, "result.strata", "result.keys");
    for (var i = 0; i < strata.length; i++) {
      this.record(strata[i], STRATUM_KEYS, "result.keys", "result.strata[" + i + "]", function (s) {
        return (
          isStr(s.name) &&
          isInt(s.population, 0) &&
          isInt(s.sample_size, 0) &&
          isInt(s.take_all, 0) &&
          isInt(s.start, 0)
        );
      });
    }
    var selected = this.listOf(r.selected, "result.selected", "result.keys");
    for (i = 0; i < selected.length; i++) {
      this.record(selected[i], ["id", "stratum", "pi"], "result.keys", "result.selected[" + i + "]", function (s) {
        return isStr(s.id) && isStr(s.stratum) && isInt(s.pi, 0, M);
      });
    }
  };
  Shape.prototype.teams = function (doc) {
    var teams = this.listOf(doc.teams, "teams", "teams.keys");
    for (var i = 0; i < teams.length; i++) {
      this.record(teams[i], ["target", "inspectors"], "teams.keys", "teams[" + i + "]", function (t) {
        return isStr(t.target) && Array.isArray(t.inspectors) && t.inspectors.every(isStr);
      });
    }
    var recusals = this.listOf(doc.recusals, "recusals", "recusals.keys");
    for (i = 0; i < recusals.length; i++) {
      var rec = recusals[i];
      this.record(rec, RECUSAL_KEYS, "recusals.keys", "recusals[" + i + "]", function (r) {
        return RECUSAL_KEYS.every(function (k) {
          return isStr(r[k]);
        });
      });
      if (isObject(rec) && isStr(rec.reason) && !REASON_RE.test(rec.reason)) {
        this.out.bad(
          "recusals.reason",
          "recusals[" + i + "].reason " + repr(rec.reason) + " is not a reason code [a-z][a-z0-9_]{0,39}"
        );
      }
    }
    var result = doc.result;
    if (this.out.isFatal() || !isObject(result)) return;
    var targets = result.selected.map(function (s) {
      return s.id;
    });
    S.conflicts.order(this, doc, targets);
    var got = teams.map(function (t) {
      return t.target;
    });
    if (doc.commitment.params.team === null) return;
    if (!sameList(got, targets) && sameList(got.slice().sort(cmpStr), targets.slice().sort(cmpStr))) {
      var at = 0;
      while (at < Math.min(got.length, targets.length) && got[at] === targets[at]) at++;
      this.out.bad(
        "teams.order",
        "teams must list one team per selected target in result order; they first differ at teams[" + at + "]"
      );
    }
  };

  function sameList(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  // ---- recomputation (§8-§11) -------------------------------------------------------------

  // §8.1: {sizes} or {error}.
  function sampleSizes(params, populations) {
    var sample = params.sample;
    var names = Object.keys(populations).sort(cmpStr);
    var sizes = Object.create(null);
    var s, i;
    if ("sizes" in sample) {
      var unknown = Object.keys(sample.sizes)
        .filter(function (x) {
          return !(x in populations);
        })
        .sort(cmpStr);
      if (unknown.length) return { error: "sizes given for strata not in the pool: " + repr(unknown) };
      for (i = 0; i < names.length; i++) {
        s = names[i];
        sizes[s] = s in sample.sizes ? num(sample.sizes[s]) : 0;
      }
    } else {
      var missing = names.filter(function (x) {
        return !(x in sample.ratios) && populations[x] > 0;
      });
      if (missing.length) return { error: "no ratio for strata " + repr(missing) };
      // Every quota q_h = ratio_h * N_h as an exact fraction Q_h / D with D = 10^maxDigits.
      var digits = 0;
      names.forEach(function (x) {
        var r = x in sample.ratios ? sample.ratios[x] : "0";
        if (r.indexOf(".") >= 0) digits = Math.max(digits, r.length - 2);
      });
      var D = 10n ** BigInt(digits);
      var Q = Object.create(null);
      var total = 0n;
      names.forEach(function (x) {
        var r = x in sample.ratios ? sample.ratios[x] : "0";
        var scaled =
          r.indexOf(".") >= 0 ? BigInt(r.slice(2)) * 10n ** BigInt(digits - (r.length - 2)) : BigInt(r) * D;
        Q[x] = scaled * BigInt(populations[x]);
        total += Q[x];
      });
      var n = (2n * total + D) / (2n * D);
      var assigned = 0n;
      names.forEach(function (x) {
        sizes[x] = Number(Q[x] / D);
        assigned += Q[x] / D;
      });
      var order = names.slice().sort(function (a, b) {
        var fa = Q[a] % D;
        var fb = Q[b] % D;
        if (fa !== fb) return fa > fb ? -1 : 1;
        return cmpStr(a, b);
      });
      var extra = Number(n - assigned);
      for (i = 0; i < extra && i < order.length; i++) sizes[order[i]] += 1;
      var minimum = num(sample.minimum);
      names.forEach(function (x) {
        if (Q[x] > 0n) sizes[x] = Math.max(sizes[x], Math.min(minimum, populations[x]));
      });
    }
    for (i = 0; i < names.length; i++) {
      s = names[i];
      if (sizes[s] > populations[s]) {
        return {
          error:
            "stratum " + s + ": sample size " + sizes[s] + " exceeds its " + populations[s] + " eligible units",
        };
      }
    }
    return { sizes: sizes };
  }

  // §8.3 on one stratum's effective weights (in id order): {pi: Number[], k}.
  function inclusion(weights, n) {
    var size = weights.length;
    var pi = new Array(size);
    var i;
    if (n === size) return { pi: pi.fill(M), k: size };
    if (n === 0) return { pi: pi.fill(0), k: 0 };
    var order = new Array(size);
    var rest = 0;
    for (i = 0; i < size; i++) {
      order[i] = i;
      rest += weights[i];
    }
    order.sort(function (a, b) {
      return weights[b] - weights[a];
    });
    var k = 0;
    while (k < n && BigInt(n - k) * BigInt(weights[order[k]]) >= BigInt(rest)) {
      rest -= weights[order[k]];
      k++;
    }
    var take = new Uint8Array(size);
    for (i = 0; i < k; i++) take[order[i]] = 1;
    var T = BigInt(n - k) * MB;
    var R = BigInt(rest);
    var rem = new Float64Array(size);
    var others = [];
    var sum = 0n;
    var t = n - k;
    var small = rest <= 137438953472; // R <= 2^37: r * 2^16 stays below 2^53
    var sumN = 0;
    for (i = 0; i < size; i++) {
      if (take[i]) {
        pi[i] = M;
        continue;
      }
      others.push(i);
      var a = weights[i] * t;
      if (small && a <= MAX_STRATUM_WEIGHT) {
        // floor(a * 2^32 / R) and its remainder by long division in two 16-bit steps; every
        // intermediate is an integer below 2^53, so Number arithmetic is exact.
        var q = Math.floor(a / rest);
        var r = a - q * rest;
        for (var step = 0; step < 2; step++) {
          var x = r * 65536;
          var d = Math.floor(x / rest);
          r = x - d * rest;
          if (r < 0) {
            d -= 1;
            r += rest;
          } else if (r >= rest) {
            d += 1;
            r -= rest;
          }
          q = q * 65536 + d;
        }
        pi[i] = q;
        rem[i] = r;
        sumN += q;
      } else {
        var prod = BigInt(weights[i]) * T;
        var qb = prod / R;
        pi[i] = Number(qb);
        rem[i] = Number(prod - qb * R); // < R <= 2^53: exact
        sum += qb;
      }
    }
    var shortBy = Number(T - sum) - sumN;
    if (shortBy > 0) {
      others.sort(function (a, b) {
        return rem[b] - rem[a] || a - b;
      });
      for (i = 0; i < shortBy; i++) pi[others[i]] += 1;
    }
    return { pi: pi, k: k };
  }

  // Sorts unit indices by their 32-byte hashes (tickets[32*i..]), then by key(i) bytes.
  function ticketOrder(indices, tickets, slot, key) {
    var words = new Uint32Array(indices.length * 8);
    var dv = new DataView(tickets.buffer, tickets.byteOffset, tickets.byteLength);
    for (var j = 0; j < indices.length; j++) {
      for (var w = 0; w < 8; w++) words[8 * j + w] = dv.getUint32(32 * slot(j) + 4 * w);
    }
    var pos = new Array(indices.length);
    for (j = 0; j < indices.length; j++) pos[j] = j;
    pos.sort(function (a, b) {
      for (var w = 0; w < 8; w++) {
        var x = words[8 * a + w];
        var y = words[8 * b + w];
        if (x !== y) return x < y ? -1 : 1;
      }
      return cmpStr(key(indices[a]), key(indices[b]));
    });
    return pos.map(function (p) {
      return indices[p];
    });
  }

  function* drawPure(h, lines, seed, sizes, floor) {
    var members = Object.create(null);
    var names = Object.keys(sizes).sort(cmpStr);
    names.forEach(function (s) {
      members[s] = [];
    });
    for (var i = 0; i < lines.length; i++) {
      if (!("excluded" in lines[i])) members[lines[i].stratum].push(i);
    }
    var pre = h.prefix(F(TAG.target, seed));
    var enc = S.encoder;
    var buf = new Uint8Array(1024);
    var strata = [];
    var selected = [];
    var done = 0;
    var total = lines.length;
    for (var si = 0; si < names.length; si++) {
      var name = names[si];
      var group = members[name];
      var n = sizes[name];
      var weights = group.map(function (j) {
        return Math.max(lines[j].weight, floor);
      });
      var inc = inclusion(weights, n);
      var piOf = new Map();
      for (i = 0; i < group.length; i++) piOf.set(group[i], inc.pi[i]);
      var startHash = h.digest(F(TAG.start, seed, u8(name)));
      var start = ((startHash[0] << 24) >>> 0) + (startHash[1] << 16) + (startHash[2] << 8) + startHash[3];
      var tickets = new Uint8Array(group.length * 32);
      for (i = 0; i < group.length; i++) {
        // F(utf8(id)) written in place (ids were checked to be well-formed UTF-16).
        var id = lines[group[i]].id;
        if (3 * id.length + 4 > buf.length) buf = new Uint8Array(2 * (3 * id.length + 4));
        var len = enc.encodeInto(id, buf.subarray(4)).written;
        buf[0] = len >>> 24;
        buf[1] = (len >>> 16) & 255;
        buf[2] = (len >>> 8) & 255;
        buf[3] = len & 255;
        h.digestPrefixedInto(pre, buf, 0, len + 4, tickets, 32 * i);
        if ((++done & (YIELD_EVERY - 1)) === 0) yield { phase: "selection", done: done, total: total };
      }
      var keyed = ticketOrder(
        group,
        tickets,
        function (j) {
          return j;
        },
        function (j) {
          return lines[j].id;
        }
      );
      var m = 0;
      var p;
      if (n <= 2097152) {
        var cum = 0;
        for (i = 0; i < keyed.length; i++) {
          p = piOf.get(keyed[i]);
          cum += p;
          if (m < n && start + m * M < cum) {
            selected.push({ id: lines[keyed[i]].id, stratum: name, pi: p });
            m++;
          }
        }
      } else {
        var cumB = 0n;
        var startB = BigInt(start);
        for (i = 0; i < keyed.length; i++) {
          p = piOf.get(keyed[i]);
          cumB += BigInt(p);
          if (m < n && startB + BigInt(m) * MB < cumB) {
            selected.push({ id: lines[keyed[i]].id, stratum: name, pi: p });
            m++;
          }
        }
      }
      strata.push({ name: name, population: group.length, sample_size: n, take_all: inc.k, start: start });
    }
    return { strata: strata, selected: selected };
  }

  function TeamError(message) {
    this.message = message;
  }

  function* formTeams(h, seed, targets, inspectors, blocked, team, recusals) {
    var size = num(team.size);
    var depts = new Set(team.departments);
    var start = team.window_start;
    var end = team.window_end;
    var insp = new Map();
    inspectors.forEach(function (i) {
      insp.set(i.cert_no, i);
    });
    function qualified(i) {
      return i.status === "active" && i.valid_from <= start && (i.valid_to === null || i.valid_to >= end);
    }
    var eligible = inspectors.filter(function (i) {
      return qualified(i) && (!depts.size || depts.has(i.department));
    });
    var T = BigInt(targets.length);
    function ceilDiv(a, b) {
      return (a + b - 1n) / b;
    }
    var base = Number(ceilDiv(T * BigInt(team.size), BigInt(Math.max(eligible.length, 1)))) + 1;
    var cap = new Map();
    insp.forEach(function (i, c) {
      cap.set(c, base);
    });
    if (team.max_assignments !== null) {
      insp.forEach(function (i, c) {
        cap.set(c, team.max_assignments);
      });
    } else if (depts.size) {
      var perDept = new Map();
      eligible.forEach(function (i) {
        perDept.set(i.department, (perDept.get(i.department) || 0) + 1);
      });
      insp.forEach(function (i, c) {
        var q = perDept.get(i.department);
        if (q) cap.set(c, Math.max(cap.get(c), Number(ceilDiv(T, BigInt(q))) + 1));
      });
    }
    var load = new Map();
    insp.forEach(function (i, c) {
      load.set(c, 0);
    });
    var certs = Array.from(insp.keys());
    var certBytes = certs.map(function (c) {
      return F(c);
    });
    var orders = new Map();
    var tickets = new Uint8Array(certs.length * 32);
    var positions = certs.map(function (c, j) {
      return j;
    });
    function order(target) {
      var o = orders.get(target);
      if (o) return o;
      var pre = h.prefix(F(TAG.inspector, seed, u8(target)));
      for (var j = 0; j < certs.length; j++) {
        h.digestPrefixedInto(pre, certBytes[j], 0, certBytes[j].length, tickets, 32 * j);
      }
      o = ticketOrder(
        positions,
        tickets,
        function (j) {
          return j;
        },
        function (j) {
          return certs[j];
        }
      ).map(function (j) {
        return certs[j];
      });
      orders.set(target, o);
      return o;
    }
    function fill(target, members) {
      var walk = order(target);
      for (var j = 0; j < walk.length; j++) {
        if (members.length === size) break;
        var c = walk[j];
        var i = insp.get(c);
        if (members.indexOf(c) >= 0 || !qualified(i) || (depts.size && !depts.has(i.department))) continue;
        if (blocked.has(c + "\u0000" + target) || load.get(c) >= cap.get(c)) continue;
        var missing = new Set(depts);
        members.forEach(function (x) {
          missing.delete(insp.get(x).department);
        });
        missing.delete(i.department);
        if (missing.size > size - members.length - 1) continue;
        members.push(c);
        load.set(c, load.get(c) + 1);
      }
      if (members.length < size) {
        throw new TeamError(
          "no team of " + size + " can be formed for target " + target + " (found " + repr(members) + ")"
        );
      }
    }
    var teams = new Map();
    for (var t = 0; t < targets.length; t++) {
      teams.set(targets[t], []);
      fill(targets[t], teams.get(targets[t]));
      if ((t & 63) === 63) yield { phase: "teams", done: t, total: targets.length };
    }
    var log = [];
    recusals.forEach(function (r) {
      var c = r.inspector;
      var tg = r.target;
      if (!teams.has(tg) || teams.get(tg).indexOf(c) < 0) {
        throw new TeamError("recusal of " + c + " for " + tg + ": not a member of that team");
      }
      var members = teams.get(tg);
      members.splice(members.indexOf(c), 1);
      load.set(c, load.get(c) - 1);
      blocked.add(c + "\u0000" + tg);
      var before = new Set(members);
      fill(tg, members);
      var added = members.filter(function (x) {
        return !before.has(x);
      });
      log.push({ inspector: c, target: tg, reason: r.reason, replacement: added[0] });
    });
    return {
      teams: targets.map(function (x) {
        return { target: x, inspectors: teams.get(x) };
      }),
      log: log,
    };
  }

  // ---- the checks ---------------------------------------------------------------------------

  function Verifier(doc, out) {
    this.doc = doc;
    this.out = out;
    this.c = doc.commitment;
    this.h = S.hasher(this.c.hash);
    this.historyLines = [];
    this.ran = [];
    this.facts = {};
  }

  Verifier.prototype.run = function* () {
    var doc = this.doc;
    var c = this.c;
    var out = this.out;
    var h = this.h;
    var facts = this.facts;
    this.ran.push("commitment");
    var digest = commitmentDigest(h, c);
    this.digest = digest;
    facts.digest = toHex(digest);
    if (toHex(digest) !== doc.commitment_digest) {
      out.differs(
        "commitment.digest",
        "recomputed " + toHex(digest) + ", proof says " + doc.commitment_digest + " (the commitment was altered)"
      );
    }
    this.ran.push("nonce");
    var nonce = S.fromHex(doc.nonce);
    if (toHex(h.digest(F(TAG.nonce, nonce))) !== c.nonce_hash) {
      out.differs("nonce.hash", "the nonce does not match the committed nonce_hash");
    }
    this.ran.push("randomness");
    this.randomness();
    this.ran.push("seed");
    var values = doc.randomness.map(function (r) {
      return u8(r.value);
    });
    var seed = h.digest(F.apply(null, [TAG.seed, digest, nonce, u32(values.length)].concat(values)));
    facts.seed = toHex(seed);
    if (toHex(seed) !== doc.seed) out.differs("seed", "recomputed " + toHex(seed) + ", proof says " + doc.seed);
    yield { phase: "history", done: 0, total: 1 };
    this.ran.push("history");
    this.history();
    this.ran.push("tables");
    var lines = doc.pool;
    yield* this.tables(lines);
    S.conflicts.verify(this);
    this.ran.push("strata");
    var populations = Object.create(null);
    lines.forEach(function (line) {
      populations[line.stratum] = (populations[line.stratum] || 0) + ("excluded" in line ? 0 : 1);
    });
    var ss = sampleSizes(c.params, populations);
    if (ss.error) {
      out.differs("strata", ss.error);
      return;
    }
    var sizes = ss.sizes;
    var committed = c.strata;
    var names = Object.keys(sizes);
    var all = new Set(names.concat(Object.keys(committed)));
    var diffs = Array.from(all)
      .sort(cmpStr)
      .filter(function (s) {
        var e = s in sizes ? { population: populations[s], sample_size: sizes[s] } : null;
        var g = s in committed ? committed[s] : null;
        if (e === null || g === null) return true;
        return !(ieq(g.population, e.population) && ieq(g.sample_size, e.sample_size));
      });
    if (diffs.length) {
      out.differs(
        "strata",
        "committed strata differ from the pool for " + short(diffs) + ": recomputed " +
          repr(diffs.slice(0, 3).map(function (s) {
            return s in sizes ? { population: populations[s], sample_size: sizes[s] } : null;
          })) +
          ", committed " +
          repr(diffs.slice(0, 3).map(function (s) {
            return s in committed ? committed[s] : null;
          }))
      );
    }
    var floor = num(c.params.floor_weight);
    var totals = Object.create(null);
    names.forEach(function (s) {
      totals[s] = 0;
    });
    lines.forEach(function (line) {
      if (!("excluded" in line)) totals[line.stratum] += Math.max(line.weight, floor);
    });
    for (var i = 0; i < names.length; i++) {
      var s = names[i];
      if (totals[s] >= 4503599627370496) {
        // Near 2^53 a float sum may round: add exactly.
        var exact = 0n;
        lines.forEach(function (line) {
          if (!("excluded" in line) && line.stratum === s) exact += BigInt(Math.max(line.weight, floor));
        });
        totals[s] = exact > BigInt(MAX_STRATUM_WEIGHT) ? Infinity : Number(exact);
      }
      if (sizes[s] > MAX_SAMPLE || totals[s] > MAX_STRATUM_WEIGHT) {
        out.bad("limits", "stratum " + s + ": sample size above 2^24 or weight sum above 2^53");
        return;
      }
    }
    this.ran.push("selection");
    var drawn = yield* drawPure(h, lines, seed, sizes, floor);
    this.drawn = drawn;
    facts.selected = drawn.selected.length;
    facts.strata = drawn.strata.length;
    this.compareResult(drawn);
    yield* this.teams(seed, drawn);
  };

  Verifier.prototype.randomness = function () {
    var c = this.c;
    var out = this.out;
    var committed = parseInstant(c.committed_at);
    var items = c.randomness_source.items;
    items.forEach(function (item) {
      if ("not_before" in item && cmpInstant(parseInstant(item.not_before), committed) <= 0) {
        out.differs(
          "time.not-before",
          "item " + repr(item.name) + ": not_before " + item.not_before + " is not after committed_at " + c.committed_at
        );
      }
    });
    var revealed = this.doc.randomness;
    var announced = items.map(function (i) {
      return i.name;
    });
    var given = revealed.map(function (r) {
      return r.name;
    });
    if (!sameList(announced, given)) {
      var missing = announced.filter(function (x) {
        return given.indexOf(x) < 0;
      });
      var extra = given.filter(function (x) {
        return announced.indexOf(x) < 0;
      });
      out.differs(
        "randomness.match",
        "revealed values " + repr(given) + " are not the announced items " + repr(announced) +
          " (missing " + repr(missing) + ", extra " + repr(extra) + ")"
      );
    }
    for (var i = 0; i < Math.min(items.length, revealed.length); i++) {
      var item = items[i];
      var r = revealed[i];
      var published = parseInstant(r.published_at);
      if (cmpInstant(published, committed) <= 0) {
        out.differs(
          "time.published",
          repr(r.name) + " published at " + r.published_at + ", not after committed_at " + c.committed_at
        );
      } else if ("not_before" in item && cmpInstant(published, parseInstant(item.not_before)) < 0) {
        out.differs(
          "time.published",
          repr(r.name) + " published at " + r.published_at + ", before its announced not_before " + item.not_before
        );
      }
    }
  };

  Verifier.prototype.history = function () {
    var out = this.out;
    var hist = this.doc.history;
    var prev = null;
    var prevTime = null;
    for (var i = 0; i < hist.length; i++) {
      var e = hist[i];
      var ec = e.commitment;
      var h = S.hasher(ec.hash);
      var d = toHex(commitmentDigest(h, ec));
      if (d !== e.commitment_digest) {
        out.differs(
          "history.digest",
          "history[" + i + "] (draw " + e.draw_id + "): recomputed digest " + d + ", entry says " + e.commitment_digest
        );
      }
      if (ec.draw_id !== e.draw_id) {
        out.differs(
          "history.chain",
          "history[" + i + "].draw_id " + repr(e.draw_id) + " is not its commitment's draw_id " + repr(ec.draw_id)
        );
      }
      this.link(ec.previous, prev, "history[" + i + "].commitment.previous", "history.chain");
      if (e.nonce !== null && toHex(h.digest(F(TAG.nonce, S.fromHex(e.nonce)))) !== ec.nonce_hash) {
        out.differs(
          "history.nonce",
          "history[" + i + "] (draw " + e.draw_id + "): the revealed nonce does not match its nonce_hash"
        );
      }
      var t = parseInstant(ec.committed_at);
      if (prevTime !== null && cmpInstant(t, prevTime) <= 0) {
        out.differs("history.time", "history[" + i + "] committed at " + ec.committed_at + ", not after the previous draw");
      }
      if (cmpInstant(parseInstant(e.aborted_at), t) < 0) {
        out.differs("history.time", "history[" + i + "] aborted at " + e.aborted_at + ", before it was committed");
      }
      prev = { draw_id: e.draw_id, commitment_digest: d };
      prevTime = t;
      this.historyLines.push({
        draw_id: e.draw_id,
        committed_at: ec.committed_at,
        aborted_at: e.aborted_at,
        abort_reason: e.abort_reason,
        nonce_revealed: e.nonce !== null,
      });
    }
    this.link(this.c.previous, prev, "commitment.previous", "previous");
    var own = parseInstant(this.c.committed_at);
    if (prevTime !== null && cmpInstant(own, prevTime) <= 0) {
      out.differs("history.time", "this draw was committed at " + this.c.committed_at + ", not after the previous draw");
    }
    this.historyLines.push({ draw_id: this.c.draw_id, committed_at: this.c.committed_at, current: true });
  };

  Verifier.prototype.link = function (link, prev, where, check) {
    if (prev === null && link !== null) {
      this.out.differs(
        check,
        where + " names draw " + repr(link.draw_id) + ", but the proof's history has no earlier draw there"
      );
    } else if (prev !== null && link === null) {
      this.out.differs(check, where + " is null, but draw " + repr(prev.draw_id) + " came before");
    } else if (
      prev !== null &&
      !(link.draw_id === prev.draw_id && link.commitment_digest === prev.commitment_digest)
    ) {
      this.out.differs(check, where + " is " + repr(link) + ", but the previous draw is " + repr(prev));
    }
  };

  Verifier.prototype.tables = function* (lines) {
    var c = this.c;
    var out = this.out;
    var quote = S.quote;
    var enc = S.encoder;
    var strs = new Array(lines.length);
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      utf8Check(line.id);
      utf8Check(line.stratum);
      strs[i] =
        ("excluded" in line ? '{"excluded":' + quote(line.excluded) + "," : "{") +
        '"id":' + quote(line.id) + ',"stratum":' + quote(line.stratum) + ',"weight":' + line.weight + "}";
    }
    var root = yield* merkleRoot(
      this.h,
      lines.length,
      function (i) {
        return 3 * strs[i].length;
      },
      function (i, buf, off) {
        return enc.encodeInto(strs[i], buf.subarray(off)).written;
      },
      "tables"
    );
    this.facts.poolRoot = toHex(root);
    this.facts.poolCount = lines.length;
    if (toHex(root) !== c.pool.root) out.differs("pool.root", "the pool lines do not give the committed pool root");
    if (!ieq(lines.length, c.pool.count)) {
      out.differs("pool.count", lines.length + " pool lines, committed count " + c.pool.count);
    }
    var excluded = Object.create(null);
    lines.forEach(function (line) {
      if ("excluded" in line) excluded[line.excluded] = (excluded[line.excluded] || 0) + 1;
    });
    var committedEx = c.pool.excluded;
    var exKeys = Object.keys(excluded);
    var same =
      exKeys.length === Object.keys(committedEx).length &&
      exKeys.every(function (k) {
        return k in committedEx && ieq(committedEx[k], excluded[k]);
      });
    if (!same) {
      out.differs(
        "pool.excluded",
        "excluded lines per reason are " + repr(excluded) + ", committed " + repr(committedEx)
      );
    }
    var got = this.doc.inspectors;
    if (toHex(merkleRootOfValues(this.h, got)) !== c.inspectors.root) {
      out.differs("inspectors.root", "the inspectors lines do not give the committed root");
    }
    if (!ieq(got.length, c.inspectors.count)) {
      out.differs("inspectors.count", got.length + " inspectors lines, committed count " + c.inspectors.count);
    }
  };

  Verifier.prototype.compareResult = function (drawn) {
    var out = this.out;
    var claimed = this.doc.result;
    var got = new Map();
    claimed.strata.forEach(function (s) {
      got.set(s.name, s);
    });
    drawn.strata.forEach(function (e) {
      var g = got.get(e.name);
      if (g === undefined) {
        out.differs("result.strata", "stratum " + e.name + " is missing from the result");
        return;
      }
      ["population", "sample_size", "take_all", "start"].forEach(function (key) {
        if (!ieq(g[key], e[key])) {
          out.differs("result.strata", "stratum " + e.name + ": " + key + " recomputed " + e[key] + ", proof says " + g[key]);
        }
      });
    });
    var names = drawn.strata.map(function (e) {
      return e.name;
    });
    var claimedNames = claimed.strata.map(function (s) {
      return s.name;
    });
    if (!sameList(claimedNames, names)) {
      out.differs("result.strata", "strata must be " + repr(names) + " in this order, proof lists " + repr(claimedNames));
    }
    var expIds = drawn.selected.map(function (s) {
      return s.id;
    });
    var gotIds = claimed.selected.map(function (s) {
      return s.id;
    });
    if (!sameList(expIds, gotIds)) {
      var gotSet = new Set(gotIds);
      var expSet = new Set(expIds);
      var missing = expIds.filter(function (x) {
        return !gotSet.has(x);
      });
      var extra = gotIds.filter(function (x) {
        return !expSet.has(x);
      });
      var what =
        missing.length || extra.length
          ? "missing " + short(missing) + "; extra " + short(extra)
          : "same ids, different order";
      out.differs("result.selected", "selected ids differ from the recomputation: " + what);
    }
    var exp = new Map();
    drawn.selected.forEach(function (s) {
      exp.set(s.id, s);
    });
    var badPi = claimed.selected
      .filter(function (s) {
        return exp.has(s.id) && !ieq(s.pi, exp.get(s.id).pi);
      })
      .map(function (s) {
        return s.id;
      });
    if (badPi.length) out.differs("result.pi", "pi differs from the recomputation for " + short(badPi));
    var badSt = claimed.selected
      .filter(function (s) {
        return exp.has(s.id) && s.stratum !== exp.get(s.id).stratum;
      })
      .map(function (s) {
        return s.id;
      });
    if (badSt.length) out.differs("result.selected", "stratum label differs for " + short(badSt));
  };

  Verifier.prototype.teams = function* (seed, drawn) {
    var team = this.c.params.team;
    var out = this.out;
    var doc = this.doc;
    this.ran.push("teams");
    if (team === null) {
      if (doc.teams.length || doc.recusals.length) {
        out.differs("teams", "params.team is null, but the proof lists teams or recusals");
      }
      this.facts.teams = 0;
      return;
    }
    var targets = drawn.selected.map(function (s) {
      return s.id;
    });
    var formed;
    try {
      formed = yield* formTeams(
        this.h, seed, targets, doc.inspectors, S.conflicts.blocked(this), team, doc.recusals
      );
    } catch (exc) {
      if (!(exc instanceof TeamError)) throw exc;
      out.differs(
        exc.message.indexOf("recusal") >= 0 ? "recusals" : "teams",
        "teams cannot be recomputed: " + exc.message
      );
      return;
    }
    this.facts.teams = formed.teams.length;
    var claimed = doc.teams.map(function (t) {
      return t.target;
    });
    if (!sameList(claimed, targets)) {
      var cs = new Set(claimed);
      var ts = new Set(targets);
      out.differs(
        "teams",
        "teams are not one per recomputed target: missing " +
          short(targets.filter(function (t) {
            return !cs.has(t);
          })) +
          "; extra " +
          short(claimed.filter(function (t) {
            return !ts.has(t);
          }))
      );
    }
    var expected = new Map();
    formed.teams.forEach(function (t) {
      expected.set(t.target, t.inspectors);
    });
    doc.teams.forEach(function (t) {
      if (expected.has(t.target) && !sameList(t.inspectors, expected.get(t.target))) {
        out.differs(
          "teams",
          "team for " + t.target + ": recomputed " + repr(expected.get(t.target)) + ", proof says " + repr(t.inspectors)
        );
      }
    });
    formed.log.forEach(function (e, i) {
      var g = doc.recusals[i];
      if (
        e.inspector !== g.inspector ||
        e.target !== g.target ||
        e.reason !== g.reason ||
        e.replacement !== g.replacement
      ) {
        out.differs(
          "recusals",
          "recusals[" + i + "]: recomputed replacement " + e.replacement + ", proof says " + g.replacement
        );
      }
    });
  };

  // verify_document of verify.py: commitment is the published commitment's bytes (or null).
  function* verifyDocument(doc, opts) {
    var out = new Problems();
    var v = null;
    var expect = opts.expectDigest;
    var commitment = opts.commitment;
    try {
      if (expect !== null && expect !== undefined && !HEX64_RE.test(expect)) {
        out.bad("option", "--expect-digest " + repr(expect) + " is not 64 lowercase hex digits");
      }
      var published = null;
      if (commitment) {
        try {
          published = S.parseStrict(commitment);
        } catch (exc) {
          if (!(exc instanceof S.DocumentError)) throw exc;
          out.bad("commitment.file", "the commitment file: [" + exc.check + "] " + exc.message);
        }
      }
      if (published !== null) new Shape(out).commitment(published, "the commitment file");
      yield { phase: "form", done: 0, total: 1 };
      if (new Shape(out).proof(doc) && !out.isFatal()) {
        v = new Verifier(doc, out);
        yield* v.run();
        var digest = toHex(v.digest);
        if (expect !== null && expect !== undefined && expect !== digest) {
          out.differs("expect-digest", "the proof's commitment digest is " + digest + ", expected " + expect);
        }
        if (published !== null) {
          var theirs = toHex(commitmentDigest(S.hasher(published.hash), published));
          if (theirs !== digest) {
            out.differs(
              "commitment.published",
              "the published commitment has digest " + theirs + ", the proof's commitment " + digest
            );
          }
          if (!eqBytes(commitment, canonBytes(doc.commitment))) {
            out.differs(
              "commitment.published",
              "the commitment file is not byte for byte the proof's canonical commitment"
            );
          }
        }
      }
    } catch (exc) {
      var name = (exc && exc.name) || "Error";
      out.bad("internal", "verifier error " + name + ": " + ((exc && exc.message) || String(exc)));
    }
    var problems = out.finish();
    var code = problems.some(function (p) {
      return p.fatal;
    })
      ? 2
      : problems.length
        ? 1
        : 0;
    var summary;
    if (code === 0 && v !== null) {
      var c = doc.commitment;
      summary =
        "OK: draw " + c.draw_id + " (" + c.hash + ") - " + doc.pool.length + " pool units, " +
        doc.result.selected.length + " selected in " + doc.result.strata.length + " strata, " +
        doc.teams.length + " teams, " + doc.recusals.length + " recusals; seed " + doc.seed.slice(0, 16) +
        "...; " + doc.history.length + " earlier draw(s); browser recomputation";
    } else if (code === 1) {
      summary = "FAILED: " + problems.length + " difference(s) - the proof does not check out";
    } else {
      summary = "FAILED: not a valid " + PROTOCOL + " proof (" + problems.length + " problem(s))";
    }
    var facts = v ? v.facts : {};
    if (v) {
      var cm = doc.commitment;
      facts.drawId = cm.draw_id;
      facts.hash = cm.hash;
      facts.committedAt = cm.committed_at;
      facts.recusals = doc.recusals.length;
      facts.history = doc.history.length;
      facts.publishedChecked = published !== null;
      facts.expectChecked = expect !== null && expect !== undefined;
    }
    return {
      exit: code,
      problems: problems,
      summary: summary,
      historyLines: v ? v.historyLines : [],
      ran: v ? v.ran : [],
      facts: facts,
    };
  }

  // main() of verify.py: a proof that is not JSON is reported alone.
  function* verifyBytes(proofBytes, opts) {
    opts = opts || {};
    yield { phase: "read", done: 0, total: 1 };
    var doc;
    try {
      doc = S.parseStrict(proofBytes);
    } catch (exc) {
      if (!(exc instanceof S.DocumentError)) throw exc;
      return {
        exit: 2,
        problems: [{ check: exc.check, message: exc.message, fatal: true }],
        summary: "FAILED: not a valid " + PROTOCOL + " proof (1 problem(s))",
        historyLines: [],
        ran: [],
        facts: {},
      };
    }
    return yield* verifyDocument(doc, opts);
  }

  // Runs inside a Web Worker: {proof, commitment, expectDigest} in, progress and report out.
  function workerMain(scope) {
    scope.onmessage = function (event) {
      var msg = event.data;
      var t0 = Date.now();
      var gen = verifyBytes(new Uint8Array(msg.proof), {
        commitment: msg.commitment ? new Uint8Array(msg.commitment) : null,
        expectDigest: msg.expectDigest,
      });
      var last = 0;
      for (;;) {
        var step = gen.next();
        if (step.done) {
          scope.postMessage({ type: "report", report: step.value, ms: Date.now() - t0 });
          return;
        }
        var now = Date.now();
        if (now - last > 50) {
          last = now;
          scope.postMessage({ type: "progress", progress: step.value });
        }
      }
    };
  }

  S.PROTOCOL = PROTOCOL;
  S.isInt = isInt;
  S.isId = isId;
  S.repr = repr;
  S.short = short;
  S.sameList = sameList;
  S.ieq = ieq;
  S.utf8Check = utf8Check;
  S.merkleRootOfValues = merkleRootOfValues;
  S.merkleRoot = merkleRoot;
  S.F = F;
  S.runToEnd = runToEnd;
  S.verifyBytes = verifyBytes;
  S.verifyDocument = verifyDocument;
  S.workerMain = workerMain;
  S.inclusion = inclusion;
});
