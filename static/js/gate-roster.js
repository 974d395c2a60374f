// The gate's roster: the checkpoint's rules and each badge holder's facts, judged here at
// scan time when the server cannot answer (a port of eventhub/checkin/rules.py check_rules
// and the once-a-day rule). Synced often: the first time whole, then only the admissions
// made since (a delta), 304 when nothing changed.
(function () {
  "use strict";
  var url = "", key = "", bearer = null;
  var roster = null;  // {version, rules, reasons, people, admissions, syncedAt, local}
  var byCode = null;  // digest -> {person, revoked}

  function load() {
    try { roster = JSON.parse(localStorage.getItem(key)) || null; } catch (e) { roster = null; }
    if (roster && !roster.people) roster = null;  // an older format: fetched again whole
    byCode = null;
  }
  function save() {
    try { localStorage.setItem(key, JSON.stringify(roster)); } catch (e) { /* full: keep in memory */ }
  }

  function digest(code) {
    var bytes = new TextEncoder().encode(code);
    return crypto.subtle.digest("SHA-256", bytes).then(function (hash) {
      return Array.from(new Uint8Array(hash)).map(function (b) { return b.toString(16).padStart(2, "0"); })
        .join("").slice(0, 24);
    });
  }

  function index() {
    if (byCode || !roster) return byCode || {};
    byCode = {};
    roster.people.forEach(function (person) {
      byCode[person.code] = { person: person, revoked: false };
      person.revoked.forEach(function (old) { byCode[old] = { person: person, revoked: true }; });
    });
    return byCode;
  }

  // Times and days as the server says them: in the event's time zone.
  function clock(moment, timezone) {
    return new Intl.DateTimeFormat("en-GB", { timeZone: timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .format(moment);
  }
  function day(moment, timezone) {
    return new Intl.DateTimeFormat("sv-SE", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" })
      .format(moment);
  }

  function admissionsOf(data) {
    // person id + day -> {time, where}: the server's (from every gate) and this device's own.
    var held = {};
    (data.admissions || []).forEach(function (row) {
      var k = row[0] + "|" + row[1];
      if (!held[k]) held[k] = { time: row[2], where: row[3] };
    });
    Object.keys(data.local || {}).forEach(function (k) { if (!held[k]) held[k] = data.local[k]; });
    return held;
  }

  function clockSeconds(moment, timezone) {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone: timezone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    }).format(moment);
  }

  // Inside the room now, as this device can know it offline: the server's count at the last
  // sync (for its day), plus the entries and exits this device judged itself since. Other
  // devices' scans since the sync are not known: an estimate, and the verdict says so.
  function insideNow(data, today) {
    var base = data.inside && data.inside.day === today ? data.inside.count : 0;
    var own = (data.own || {})[today] || 0;
    return Math.max(0, base + own);
  }

  // The rules, for a genuine current badge's holder, at `when` (a Date): the same order and
  // answers as rules.judge and check_rules, then once a day without re-entry, then the
  // door's capacity (recording.record_scan). `exit`: the scan records a person leaving.
  // Extend here when a rule is added there (and in offline.device_rules).
  function decide(data, person, when, exit) {
    var rules = data.rules;
    function no(reason, detail) { return { result: "denied", reason: reason, detail: detail || {} }; }
    if (exit) return { result: "exited", reason: "exit", detail: {} };
    if (person.status !== "approved") return no("not_approved");
    if (!rules.active) return no("inactive");
    // "22:00" on the day of the scan, "2025-07-24 22:00" on another (rules.moment_text).
    // Written as the server writes it in the reader's language (rules.moment_text): the
    // time alone on its own day, the date and time on another.
    function momentText(name) {
      var moment = new Date(rules[name]);
      var same = day(moment, rules.timezone) === day(when, rules.timezone);
      var texts = (rules.moments || {})[name];
      if (texts) return same ? texts.clock : texts.full;
      return (same ? "" : day(moment, rules.timezone) + " ") + clock(moment, rules.timezone);
    }
    if (rules.opens_at && when < new Date(rules.opens_at)) {
      return no("too_early", { time: momentText("opens_at") });
    }
    if (rules.closes_at && when > new Date(rules.closes_at)) {
      return no("too_late", { time: momentText("closes_at") });
    }
    if (rules.daily_opens || rules.daily_closes) {
      // "HH:MM:SS" strings compare as times; the server compares to the microsecond, which
      // orders the same way at these one-second boundaries.
      var local = clockSeconds(when, rules.timezone);
      if (rules.daily_opens && local < rules.daily_opens) {
        return no("daily_early", { time: rules.daily_opens.slice(0, 5) });
      }
      if (rules.daily_closes && local >= rules.daily_closes) {
        return no("daily_late", { time: rules.daily_closes.slice(0, 5) });
      }
    }
    if (rules.categories.length && rules.categories.indexOf(person.category) < 0) {
      return no("category", { category: person.participant ? person.participant.category_label : person.category });
    }
    if (rules.zone) {
      var zones = person.zones || [];
      if (zones.indexOf(rules.zone) < 0 && zones.indexOf("ALL") < 0) return no("zone", { zone: rules.zone });
    }
    if (rules.enrolment && !person.enrolled) return no("not_enrolled");
    var today = day(when, rules.timezone);
    if (!rules.reentry) {
      var held = admissionsOf(data)[person.id + "|" + today];
      if (held) return { result: "already_admitted", reason: "already", detail: { time: held.time, where: held.where } };
    }
    var verdict = { result: "admitted", reason: person.attention ? "attention" : "admitted", detail: {} };
    if (rules.capacity !== null && rules.capacity !== undefined) {
      var inside = insideNow(data, today);
      if (inside >= rules.capacity) {
        return { result: "denied", reason: "full", detail: { capacity: rules.capacity, where: rules.where }, estimated: true };
      }
      verdict.places_left = rules.capacity - inside - 1;
      verdict.estimated = true;
    }
    return verdict;
  }

  // Whether a scan here records an exit (rules.exits_here): always at an exit, as the
  // scanner chose at a door for both, never at an entrance.
  function exits(rules, direction) {
    return rules.direction === "exit" || (rules.direction === "both" && direction === "exit");
  }

  function text(reason, detail) {
    var template = (roster && roster.reasons && roster.reasons[reason]) || reason;
    return template.replace(/%\((\w+)\)s/g, function (_all, name) { return detail[name] || ""; });
  }

  function note(personId, when, where) {
    if (!roster || roster.rules.reentry) return;
    roster.local = roster.local || {};
    var k = personId + "|" + day(when, roster.rules.timezone);
    if (!roster.local[k]) roster.local[k] = { time: clock(when, roster.rules.timezone), where: where, at: Date.now() };
    save();
  }

  function counted(when, change) {
    // An entry (+1) or exit (-1) judged here, for the capacity estimate until the next sync.
    if (!roster || roster.rules.capacity === null || roster.rules.capacity === undefined) return;
    roster.own = roster.own || {};
    var today = day(when, roster.rules.timezone);
    roster.own[today] = (roster.own[today] || 0) + change;
    save();
  }

  function judge(code, when, direction) {
    when = when || new Date();
    return digest(String(code).trim().toUpperCase().replace(/\s+/g, "")).then(function (found) {
      var hit = roster && index()[found];
      if (!hit) return { result: "invalid", reason: text("unknown", {}), reasonKey: "unknown", participant: null };
      var exit = exits(roster.rules, direction);
      // Leaving is recorded for any badge of ours, even a reprinted one (rules.judge).
      var verdict = hit.revoked && !exit ? { result: "denied", reason: "revoked", detail: {} }
        : decide(roster, hit.person, when, exit);
      if (verdict.result === "admitted") {
        note(hit.person.id, when, (roster.rules.where || roster.rules.name_en));
        counted(when, 1);
      } else if (verdict.result === "exited") {
        counted(when, -1);
      }
      return {
        result: verdict.result,
        reason: text(verdict.reason, verdict.detail),
        reasonKey: verdict.reason,
        participant: hit.person.participant,
        attention: verdict.reason === "attention",
        places_left: verdict.places_left,
        estimated: !!verdict.estimated,
      };
    });
  }

  function noteAnswer(answer) {
    // The server admitted someone here: a repeat offline is "already admitted".
    if (answer && answer.participant && /admitted$/.test(answer.result)) {
      note(answer.participant.id, new Date(), roster ? (roster.rules.where || roster.rules.name_en) : "");
    }
  }

  // Admissions undone at the gate since the device's version: [person, day, scan id, undone
  // at (ms)]. The person is no longer "already admitted" that day, here or from any gate,
  // unless this device let them in again after the undo.
  function undo(rows) {
    if (!rows || !rows.length) return;
    var gone = {};
    rows.forEach(function (row) { gone[row[2]] = row; });
    roster.admissions = roster.admissions.filter(function (row) { return !gone[row[4]]; });
    rows.forEach(function (row) {
      var k = row[0] + "|" + row[1];
      var mine = roster.local && roster.local[k];
      if (mine && !(mine.at > row[3])) delete roster.local[k];
    });
  }

  function sync() {
    var headers = { Accept: "application/json" };
    var address = url;
    if (roster && roster.version) {
      headers["If-None-Match"] = '"' + roster.version + '"';
      address += (url.indexOf("?") < 0 ? "?" : "&") + "since=" + encodeURIComponent(roster.version);
    }
    // A gate device sends its token and no cookie; a staff member's page its login cookie.
    if (bearer) headers.Authorization = "Bearer " + bearer;
    var credentials = bearer ? "omit" : "same-origin";
    return fetch(address, { headers: headers, credentials: credentials, cache: "no-store" }).then(function (response) {
      if (response.status === 304) {
        roster.syncedAt = Date.now();
        save();
        return status();
      }
      if (!response.ok) throw response;
      return response.json().then(function (data) {
        if (data.delta && roster) {
          undo(data.undone);
          roster.admissions = roster.admissions.concat(data.admissions);
          roster.version = data.version;
        } else if (!data.delta) {
          var local = roster ? roster.local : {};
          roster = data;
          roster.local = local || {};
          byCode = null;
        }
        if (roster && data.inside) {
          // The server's count includes what this device sent: its own tally starts again.
          roster.inside = data.inside;
          roster.own = {};
        }
        if (roster) { roster.syncedAt = Date.now(); save(); }
        return status();
      });
    });
  }

  function status() {
    return {
      people: roster ? roster.people.length : 0,
      syncedAt: roster ? roster.syncedAt : null,
      version: roster ? roster.version : null,
    };
  }

  window.GateRoster = {
    configure: function (rosterUrl, storageKey, token) {
      url = rosterUrl; key = storageKey; bearer = token || null; load();
    },
    sync: sync,
    judge: judge,
    decide: decide,
    noteAnswer: noteAnswer,
    status: status,
    clear: function () { roster = null; byCode = null; },
  };
})();
