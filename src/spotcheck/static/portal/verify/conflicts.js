/* spotcheck browser verifier: the conflict-of-interest table (docs/draw-protocol.md §4.3, §11).
 *
 * Kept apart from core.js because it is the part of protocol 2 that is being amended: the
 * table's form check, its commitment check and the (inspector, target) pairs that teams must
 * skip are all here, behind three functions the core calls:
 *
 *   shape(sh, doc)                 form of proof.conflicts (exit 2 problems through sh.out)
 *   tables(v)                      recompute the committed root and count (exit 1 problems)
 *   blocked(v, targets) -> Set     "inspector\u0000target" pairs the team walk skips
 */
(function (factory) {
  var S = (globalThis.SpotcheckVerify = globalThis.SpotcheckVerify || { parts: [] });
  S.parts.push(factory);
  factory(S);
})(function (S) {
  "use strict";

  var KEYS = ["inspector", "target"];

  function shape(sh, doc) {
    var lines = sh.listOf(doc.conflicts, "conflicts", "conflicts.keys");
    var prev = null;
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (!sh.keys(line, [KEYS], "conflicts.keys", "conflicts[" + i + "]")) continue;
      var a = sh.ident(line.inspector, "conflicts[" + i + "].inspector", "conflicts.keys");
      var b = sh.ident(line.target, "conflicts[" + i + "].target", "conflicts.keys");
      if (a && b) {
        S.utf8Check(line.inspector);
        S.utf8Check(line.target);
        var key = [line.inspector, line.target];
        if (prev !== null) {
          var c = S.cmpStr(key[0], prev[0]) || S.cmpStr(key[1], prev[1]);
          if (c <= 0) {
            sh.out.bad(
              "conflicts.order",
              "conflicts[" + i + "] is not after conflicts[" + (i - 1) +
                "] (order: inspector, target; unique)"
            );
          }
        }
        prev = key;
      }
    }
  }

  function tables(v) {
    var got = v.doc.conflicts;
    var committed = v.c.conflicts;
    var root = S.merkleRootOfValues(v.h, got);
    if (S.toHex(root) !== committed.root) {
      v.out.differs("conflicts.root", "the conflicts lines do not give the committed root");
    }
    if (!S.ieq(got.length, committed.count)) {
      v.out.differs(
        "conflicts.count",
        got.length + " conflicts lines, committed count " + committed.count
      );
    }
  }

  function blocked(v) {
    var set = new Set();
    var lines = v.doc.conflicts;
    for (var i = 0; i < lines.length; i++) set.add(lines[i].inspector + "\u0000" + lines[i].target);
    return set;
  }

  S.conflicts = { shape: shape, tables: tables, blocked: blocked };
});
