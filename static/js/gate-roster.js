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

  // "22:00" on the day of the scan, "2025-07-24 22:00" on another (as rules.moment_text):
  // "closed at 22:00" yesterday must not read as tonight.
  function momentText(moment, now, timezone) {
    var text = clock(moment, timezone);
    return day(moment, timezone) === day(now, timezone) ? text : day(moment, timezone) + " " + text;
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

  // The rules, for a genuine current badge's holder, at `when` (a Date): the same order and
  // answers as rules.check_rules, then once a day without re-entry. Extend here when a rule
  // is added there (and in offline.device_rules).
  function decide(data, person, when) {
    var rules = data.rules;
    function no(reason, detail) { return { result: "denied", reason: reason, detail: detail || {} }; }
    if (person.status !== "approved") return no("not_approved");
    if (!rules.active) return no("inactive");
    if (rules.opens_at && when < new Date(rules.opens_at)) {
      return no("too_early", { time: momentText(new Date(rules.opens_at), when, rules.timezone) });
    }
    if (rules.closes_at && when > new Date(rules.closes_at)) {
      return no("too_late", { time: momentText(new Date(rules.closes_at), when, rules.timezone) });
    }
    if (rules.categories.length && rules.categories.indexOf(person.category) < 0) {
      return no("category", { category: person.participant ? person.participant.category_label : person.category });
    }
    if (rules.zone) {
      var zones = person.zones || [];
      if (zones.indexOf(rules.zone) < 0 && zones.indexOf("ALL") < 0) return no("zone", { zone: rules.zone });
    }
    if (rules.enrolment && !person.enrolled) return no("not_enrolled");
    if (!rules.reentry) {
      var held = admissionsOf(data)[person.id + "|" + day(when, rules.timezone)];
      if (held) return { result: "already_admitted", reason: "already", detail: held };
    }
    return { result: "admitted", reason: "admitted", detail: {} };
  }

  function text(reason, detail) {
    var template = (roster && roster.reasons && roster.reasons[reason]) || reason;
    return template.replace(/%\((\w+)\)s/g, function (_all, name) { return detail[name] || ""; });
  }

  function note(personId, when, where) {
    if (!roster || roster.rules.reentry) return;
    roster.local = roster.local || {};
    var k = personId + "|" + day(when, roster.rules.timezone);
    if (!roster.local[k]) roster.local[k] = { time: clock(when, roster.rules.timezone), where: where };
    save();
  }

  function judge(code, when) {
    when = when || new Date();
    return digest(String(code).trim().toUpperCase().replace(/\s+/g, "")).then(function (found) {
      var hit = roster && index()[found];
      if (!hit) return { result: "invalid", reason: text("unknown", {}), reasonKey: "unknown", participant: null };
      var verdict = hit.revoked ? { result: "denied", reason: "revoked", detail: {} } : decide(roster, hit.person, when);
      if (verdict.result === "admitted") note(hit.person.id, when, roster.rules.name_en);
      return {
        result: verdict.result,
        reason: text(verdict.reason, verdict.detail),
        reasonKey: verdict.reason,
        participant: hit.person.participant,
      };
    });
  }

  function noteAnswer(answer) {
    // The server admitted someone here: a repeat offline is "already admitted".
    if (answer && answer.participant && /admitted$/.test(answer.result)) {
      note(answer.participant.id, new Date(), roster ? roster.rules.name_en : "");
    }
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
          roster.admissions = roster.admissions.concat(data.admissions);
          roster.version = data.version;
        } else if (!data.delta) {
          var local = roster ? roster.local : {};
          roster = data;
          roster.local = local || {};
          byCode = null;
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
