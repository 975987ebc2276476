/* spotcheck browser verifier: the page (portal/_browser_verifier.html).
 *
 * Everything runs in the visitor's browser. The only network requests are the proof and
 * commitment files of the record the visitor chose to verify (same origin, from the
 * portal's download links); uploaded files are read locally. The checks run in a Web Worker
 * built from the verifier's own functions (a blob: URL, so no extra file is fetched and a
 * saved copy of the page still has everything); if no Worker can be created they run on the
 * main thread in slices so that the progress bar still moves. Translated strings come from
 * the page itself (json_script "verify-strings"), never from the server at run time.
 */
(function (factory) {
  var S = (globalThis.SpotcheckVerify = globalThis.SpotcheckVerify || { parts: [] });
  factory(S);
})(function (S) {
  "use strict";

  // The steps shown to the visitor, in order, and the check ids (§13) each one covers.
  var STEPS = [
    ["read", ["read", "json", "json.duplicate-key", "json.float"]],
    ["form", []],
    ["commitment", ["commitment.digest", "expect-digest", "commitment.published"]],
    ["nonce", ["nonce.hash"]],
    ["randomness", ["randomness.match", "time.not-before", "time.published"]],
    ["seed", ["seed"]],
    ["history", ["history.digest", "history.chain", "history.nonce", "history.time", "previous"]],
    [
      "tables",
      [
        "pool.root", "pool.count", "pool.excluded", "inspectors.root", "inspectors.count",
        "conflicts.entries", "conflicts.target", "conflicts.path", "conflicts.count",
      ],
    ],
    ["strata", ["strata", "limits"]],
    ["selection", ["result.strata", "result.selected", "result.pi"]],
    ["teams", ["teams", "recusals"]],
  ];

  function stepOf(problem) {
    for (var i = 0; i < STEPS.length; i++) {
      if (STEPS[i][1].indexOf(problem.check) >= 0 && (!problem.fatal || i === 0 || problem.check === "limits")) {
        return STEPS[i][0];
      }
    }
    return "form";
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (k === "className") e.className = attrs[k];
        else e.setAttribute(k, attrs[k]);
      }
    }
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] !== undefined ? String(values[k]) : m;
    });
  }

  function workerSource() {
    var src = "var S = self.SpotcheckVerify = {parts: []};\n";
    S.parts.forEach(function (f) {
      src += "(" + f.toString() + ")(S);\n";
    });
    return src + "S.workerMain(self);\n";
  }

  // Runs the verification; onProgress({phase, done, total}); resolves with {report, where, ms}.
  function run(proof, commitment, expectDigest, onProgress) {
    var message = { proof: proof, commitment: commitment, expectDigest: expectDigest };
    return new Promise(function (resolve) {
      var worker = null;
      try {
        var url = URL.createObjectURL(new Blob([workerSource()], { type: "text/javascript" }));
        worker = new Worker(url);
        URL.revokeObjectURL(url);
      } catch (e) {
        worker = null;
      }
      var settled = false;
      function onMain() {
        if (settled) return;
        settled = true;
        if (worker) worker.terminate();
        runOnMainThread(message, onProgress).then(resolve);
      }
      if (!worker) {
        onMain();
        return;
      }
      worker.onmessage = function (event) {
        var data = event.data;
        if (data.type === "progress") onProgress(data.progress);
        else if (data.type === "report" && !settled) {
          settled = true;
          worker.terminate();
          resolve({ report: data.report, where: "worker", ms: data.ms });
        }
      };
      worker.onerror = function (event) {
        if (event && event.preventDefault) event.preventDefault();
        onMain();
      };
      try {
        // Copies: the main-thread fallback may still need the bytes.
        worker.postMessage({
          proof: proof.slice(0).buffer,
          commitment: commitment ? commitment.slice(0).buffer : null,
          expectDigest: expectDigest,
        });
      } catch (e) {
        onMain();
      }
    });
  }

  function runOnMainThread(message, onProgress) {
    var t0 = Date.now();
    var gen = S.verifyBytes(message.proof, {
      commitment: message.commitment,
      expectDigest: message.expectDigest,
    });
    return new Promise(function (resolve) {
      function slice() {
        var until = Date.now() + 40;
        for (;;) {
          var step = gen.next();
          if (step.done) {
            resolve({ report: step.value, where: "main", ms: Date.now() - t0 });
            return;
          }
          if (Date.now() >= until) {
            onProgress(step.value);
            setTimeout(slice, 0);
            return;
          }
        }
      }
      setTimeout(slice, 0);
    });
  }

  var PHASE_WEIGHT = {
    read: [0, 5],
    form: [5, 15],
    history: [15, 20],
    tables: [20, 55],
    selection: [55, 85],
    teams: [85, 99],
  };

  function Page(root) {
    this.root = root;
    this.strings = JSON.parse(document.getElementById("verify-strings").textContent);
    var config = document.getElementById("verify-config");
    this.config = config ? JSON.parse(config.textContent) : {};
    this.form = root.querySelector("#verify-form");
    this.progress = root.querySelector("#verify-progress");
    this.status = root.querySelector("#verify-status");
    this.out = root.querySelector("#verify-result");
    this.button = root.querySelector("#verify-run");
    var self = this;
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.fromForm();
    });
    if (this.config.proof_url) this.fromRecord();
  }

  Page.prototype.t = function (key, values) {
    var s = this.strings[key];
    if (s === undefined) s = key;
    return values ? format(s, values) : s;
  };

  Page.prototype.busy = function (on) {
    this.button.disabled = on;
    this.progress.hidden = !on;
    if (on) {
      this.progress.value = 0;
      this.out.replaceChildren();
    }
  };

  Page.prototype.onProgress = function (p) {
    var w = PHASE_WEIGHT[p.phase] || [0, 0];
    var frac = p.total ? Math.min(1, p.done / p.total) : 0;
    this.progress.value = Math.round(w[0] + (w[1] - w[0]) * frac);
    this.status.textContent = this.t("phase." + p.phase);
  };

  Page.prototype.fromRecord = function () {
    var self = this;
    var cfg = this.config;
    this.busy(true);
    this.status.textContent = this.t("fetching");
    function get(url) {
      return fetch(url, { credentials: "omit" }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.arrayBuffer();
      });
    }
    Promise.all([get(cfg.proof_url), cfg.commitment_url ? get(cfg.commitment_url) : null])
      .then(function (files) {
        return self.verify(new Uint8Array(files[0]), files[1] ? new Uint8Array(files[1]) : null, null, {
          proofName: cfg.proof_name,
          commitmentName: cfg.commitment_name,
          commitmentPublishedAt: cfg.commitment_published_at,
          fromRecord: true,
        });
      })
      .catch(function () {
        self.busy(false);
        self.status.textContent = self.t("fetch_failed");
      });
  };

  // A saved .json.gz (the portal sends proofs gzip-compressed) is inflated first, as
  // verify.py does; anything else is read as it is. Browsers without DecompressionStream
  // pass the bytes on, and the strict reader then reports them as not JSON.
  function readFile(file) {
    return file.arrayBuffer().then(function (buf) {
      var bytes = new Uint8Array(buf);
      if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b || typeof DecompressionStream !== "function") {
        return bytes;
      }
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Response(stream).arrayBuffer().then(function (out) {
        return new Uint8Array(out);
      });
    });
  }

  Page.prototype.fromForm = function () {
    var self = this;
    var proofFile = this.form.querySelector("#verify-proof-file").files[0];
    var commitmentFile = this.form.querySelector("#verify-commitment-file").files[0];
    var digest = this.form.querySelector("#verify-expect-digest").value.trim();
    if (!proofFile) {
      this.status.textContent = this.t("choose_proof");
      return;
    }
    this.busy(true);
    this.status.textContent = this.t("reading");
    Promise.all([readFile(proofFile), commitmentFile ? readFile(commitmentFile) : null])
      .then(function (files) {
        return self.verify(files[0], files[1], digest || null, {
          proofName: proofFile.name,
          commitmentName: commitmentFile ? commitmentFile.name : "",
        });
      })
      .catch(function () {
        self.busy(false);
        self.status.textContent = self.t("read_failed");
      });
  };

  Page.prototype.verify = function (proof, commitment, expectDigest, info) {
    var self = this;
    return run(proof, commitment, expectDigest, function (p) {
      self.onProgress(p);
    }).then(function (done) {
      self.busy(false);
      self.status.textContent = self.t(done.where === "worker" ? "done_worker" : "done_main", {
        seconds: (done.ms / 1000).toFixed(1),
      });
      self.render(done.report, info, !!commitment, !!expectDigest);
      return done;
    });
  };

  Page.prototype.render = function (report, info, withCommitment, withDigest) {
    var t = this.t.bind(this);
    var out = this.out;
    out.replaceChildren();
    var first = report.problems[0];
    var verdict = el("div", {
      id: "verify-verdict",
      className: "p-verdict " + (report.exit === 0 ? "p-verdict-ok" : "p-verdict-bad"),
      "data-exit": String(report.exit),
      "data-check": first ? first.check : "",
      role: "status",
    });
    verdict.appendChild(
      el("strong", null, report.exit === 0 ? t("verdict.ok") : report.exit === 1 ? t("verdict.mismatch") : t("verdict.invalid"))
    );
    verdict.appendChild(
      el("p", null, report.exit === 0 ? t("verdict.ok_text") : report.exit === 1 ? t("verdict.mismatch_text") : t("verdict.invalid_text"))
    );
    if (first) {
      var fc = el("p", { id: "verify-first-check" });
      fc.appendChild(document.createTextNode(t("first_check") + " "));
      fc.appendChild(el("code", null, first.check));
      fc.appendChild(document.createTextNode(" " + t("check." + first.check)));
      verdict.appendChild(fc);
    }
    if (report.exit === 0 && !withCommitment && !withDigest) {
      verdict.appendChild(el("p", { className: "p-note", id: "verify-self-only" }, t("self_only")));
    }
    out.appendChild(verdict);

    // The steps.
    var byStep = {};
    report.problems.forEach(function (p) {
      var s = stepOf(p);
      (byStep[s] = byStep[s] || []).push(p);
    });
    var ran = { read: true, form: report.problems.length === 0 || !first || stepOf(first) !== "read" };
    report.ran.forEach(function (s) {
      ran[s] = true;
    });
    var facts = report.facts || {};
    var list = el("ol", { id: "verify-steps", className: "p-verify-steps" });
    var firstFailed = true;
    STEPS.forEach(function (entry) {
      var step = entry[0];
      var problems = byStep[step] || [];
      var state = problems.length ? "fail" : ran[step] ? "pass" : "skipped";
      var li = el("li", { "data-step": step, "data-state": state, className: "p-step p-step-" + state });
      var head = el("div", { className: "p-step-head" });
      head.appendChild(el("span", { className: "p-step-mark", "aria-hidden": "true" }, state === "pass" ? "✓" : state === "fail" ? "✗" : "–"));
      head.appendChild(el("span", { className: "p-step-name" }, t("step." + step)));
      head.appendChild(el("span", { className: "p-step-state" }, t("state." + state)));
      li.appendChild(head);
      var detail = stepDetail(step, facts, info, withCommitment, withDigest, t);
      if (detail && state !== "skipped") li.appendChild(el("p", { className: "p-step-detail" }, detail));
      if (problems.length) {
        var ul = el("ul", { className: "p-problems" });
        problems.forEach(function (p) {
          var item = el("li", { "data-check": p.check });
          item.appendChild(el("code", null, (p.fatal ? "INVALID" : "MISMATCH") + " [" + p.check + "]"));
          item.appendChild(document.createTextNode(" " + t("check." + p.check)));
          item.appendChild(el("span", { className: "p-problem-detail p-break" }, p.message));
          ul.appendChild(item);
        });
        li.appendChild(ul);
        if (firstFailed) {
          li.id = "verify-first-step";
          firstFailed = false;
        }
      }
      list.appendChild(li);
    });
    out.appendChild(el("h3", null, t("steps")));
    out.appendChild(list);

    if (report.historyLines.length) {
      out.appendChild(el("h3", null, t("history")));
      var hl = el("ul", { id: "verify-history" });
      report.historyLines.forEach(function (h) {
        hl.appendChild(
          el(
            "li",
            null,
            h.current
              ? t("history.current", { draw: h.draw_id, committed: h.committed_at })
              : t(h.nonce_revealed ? "history.aborted_nonce" : "history.aborted", {
                  draw: h.draw_id,
                  committed: h.committed_at,
                  aborted: h.aborted_at,
                  reason: h.abort_reason,
                })
          )
        );
      });
      out.appendChild(hl);
    }
    out.appendChild(el("p", { className: "p-mono p-break", id: "verify-summary" }, report.summary));
    var focus = out.querySelector("#verify-verdict");
    if (focus) {
      focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
  };

  function stepDetail(step, f, info, withCommitment, withDigest, t) {
    switch (step) {
      case "read":
        return info.proofName ? t("detail.read", { name: info.proofName }) : "";
      case "commitment":
        if (!f.digest) return "";
        var parts = [t("detail.digest", { digest: f.digest })];
        if (withCommitment) {
          parts.push(
            info.commitmentPublishedAt
              ? t("detail.published_at", { name: info.commitmentName || "", time: info.commitmentPublishedAt })
              : t("detail.published_file", { name: info.commitmentName || "" })
          );
        } else if (withDigest) {
          parts.push(t("detail.expected_digest"));
        } else {
          parts.push(t("detail.no_commitment"));
        }
        return parts.join(" ");
      case "randomness":
        return f.committedAt ? t("detail.randomness", { committed: f.committedAt }) : "";
      case "seed":
        return f.seed ? t("detail.seed", { seed: f.seed, hash: f.hash }) : "";
      case "history":
        return f.drawId !== undefined ? t("detail.history", { count: f.history }) : "";
      case "tables":
        return f.poolRoot ? t("detail.tables", { count: f.poolCount, root: f.poolRoot }) : "";
      case "selection":
        return f.selected !== undefined ? t("detail.selection", { selected: f.selected, strata: f.strata }) : "";
      case "teams":
        return f.teams !== undefined ? t("detail.teams", { teams: f.teams, recusals: f.recusals }) : "";
      default:
        return "";
    }
  }

  S.page = { run: run, runOnMainThread: runOnMainThread, workerSource: workerSource, STEPS: STEPS };

  function start() {
    var root = document.getElementById("browser-verifier");
    if (root) S.page.instance = new Page(root);
  }
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
});
