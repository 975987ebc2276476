/* spotcheck browser verifier: the conflicts of interest (docs/draw-protocol.md §4.3, §11, §12).
 *
 * The commitment binds one salted leaf per pool line, {"inspectors", "salt", "target"}, in an
 * RFC 6962 tree of pool.count leaves; the proof reveals only the drawn targets' leaves, one
 * entry per selected target in result order, each with its RFC 9162 inclusion proof. Kept
 * apart from core.js because it is the part of protocol 2 that was amended; the core calls:
 *
 *   shape(sh, doc)               form of proof.conflicts (exit 2 problems through sh.out)
 *   order(sh, doc, targets)      entries are the selected targets in another order (exit 2)
 *   verify(v)                    entries, pool positions, inclusion proofs, count (exit 1)
 *   blocked(v) -> Set            "inspector\u0000target" pairs the team walk skips
 */
(function (factory) {
  var S = (globalThis.SpotcheckVerify = globalThis.SpotcheckVerify || { parts: [] });
  S.parts.push(factory);
  factory(S);
})(function (S) {
  "use strict";

  var KEYS = ["target", "index", "inspectors", "salt", "path"];
  var SALT_RE = /^[0-9a-f]{32}$/;
  var HEX64_RE = /^[0-9a-f]{64}$/;

  function shape(sh, doc) {
    var entries = sh.listOf(doc.conflicts, "conflicts", "conflicts.keys");
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      var where = "conflicts[" + i + "]";
      if (!sh.keys(e, [KEYS], "conflicts.keys", where)) continue;
      sh.ident(e.target, where + ".target", "conflicts.keys");
      if (!S.isInt(e.index, 0)) sh.out.bad("conflicts.keys", where + ".index must be an integer >= 0");
      if (!(typeof e.salt === "string" && SALT_RE.test(e.salt))) {
        sh.out.bad("conflicts.keys", where + ".salt must be 32 lowercase hex digits, got " + S.repr(e.salt));
      }
      var path = e.path;
      if (
        !Array.isArray(path) ||
        !path.every(function (x) {
          return typeof x === "string" && HEX64_RE.test(x);
        })
      ) {
        sh.out.bad("conflicts.keys", where + ".path must be a list of 64-hex-digit hashes");
      }
      var certs = e.inspectors;
      if (!Array.isArray(certs) || !certs.every(S.isId)) {
        sh.out.bad("conflicts.keys", where + ".inspectors must be a list of certificate numbers");
        continue;
      }
      certs.forEach(S.utf8Check);
      for (var j = 1; j < certs.length; j++) {
        if (S.cmpStr(certs[j - 1], certs[j]) >= 0) {
          sh.out.bad("conflicts.order", where + ".inspectors must be unique and in ascending UTF-8 order");
          break;
        }
      }
    }
  }

  function order(sh, doc, targets) {
    var entries = doc.conflicts.map(function (e) {
      return e.target;
    });
    if (!S.sameList(entries, targets) && S.sameList(entries.slice().sort(S.cmpStr), targets.slice().sort(S.cmpStr))) {
      sh.out.bad("conflicts.order", "conflicts must list one entry per selected target in result order");
    }
  }

  // RFC 9162 §2.1.3.2 (exact integers: the committed size may be any JSON integer).
  function verifyInclusion(h, leaf, index, size, path, root) {
    var fn = BigInt(index);
    var sn = BigInt(size) - 1n;
    if (!(fn >= 0n && fn <= sn)) return false;
    var buf = new Uint8Array(Math.max(65, leaf.length + 1));
    var r = new Uint8Array(32);
    buf[0] = 0;
    buf.set(leaf, 1);
    h.digestInto(buf, 0, leaf.length + 1, r, 0);
    buf[0] = 1;
    for (var i = 0; i < path.length; i++) {
      var p = S.fromHex(path[i]);
      if (sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        buf.set(p, 1);
        buf.set(r, 33);
        h.digestInto(buf, 0, 65, r, 0);
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        buf.set(r, 1);
        buf.set(p, 33);
        h.digestInto(buf, 0, 65, r, 0);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && S.toHex(r) === root;
  }

  function leafBytes(e) {
    return S.utf8(S.canonical({ inspectors: e.inspectors, salt: e.salt, target: e.target }));
  }

  function verify(v) {
    var doc = v.doc;
    var c = v.c;
    var out = v.out;
    var entries = doc.conflicts;
    var lines = doc.pool;
    var selected = doc.result.selected.map(function (s) {
      return s.id;
    });
    var got = entries.map(function (e) {
      return e.target;
    });
    if (!S.sameList(got, selected)) {
      var gotSet = new Set(got);
      var selSet = new Set(selected);
      var seen = new Set();
      var twice = new Set();
      got.forEach(function (t) {
        if (seen.has(t)) twice.add(t);
        seen.add(t);
      });
      out.differs(
        "conflicts.entries",
        "conflict entries are not one per selected target: missing " +
          S.short(selected.filter(function (t) {
            return !gotSet.has(t);
          })) +
          "; extra " +
          S.short(got.filter(function (t) {
            return !selSet.has(t);
          })) +
          "; repeated " +
          S.short(Array.from(twice).sort(S.cmpStr))
      );
    }
    var pairs = 0;
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      pairs += e.inspectors.length;
      var index = e.index;
      if (index >= lines.length || lines[Number(index)].id !== e.target) {
        out.differs("conflicts.target", "conflicts[" + i + "]: pool line " + index + " is not target " + e.target);
        continue;
      }
      if (!verifyInclusion(v.h, leafBytes(e), index, c.pool.count, e.path, c.conflicts.root)) {
        out.differs(
          "conflicts.path",
          "conflicts[" + i + "] (target " + e.target + "): the leaf and its path do not give the committed conflicts root"
        );
      }
    }
    if (pairs > c.conflicts.count) {
      out.differs(
        "conflicts.count",
        "the entries reveal " + pairs + " conflict pairs, more than the committed count " + c.conflicts.count
      );
    }
  }

  function blocked(v) {
    var set = new Set();
    v.doc.conflicts.forEach(function (e) {
      e.inspectors.forEach(function (i) {
        set.add(i + "\u0000" + e.target);
      });
    });
    return set;
  }

  S.conflicts = { shape: shape, order: order, verify: verify, blocked: blocked, verifyInclusion: verifyInclusion };
});
