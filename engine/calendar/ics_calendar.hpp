#pragma once
// The calendar as iCalendar (RFC 5545), written with libical: one VEVENT per session
// with a stable UID, times in the programme's zone, and that zone's VTIMEZONE. A calendar
// app recognises a session by its UID and takes a higher SEQUENCE as a change to it: a
// stored session's UID comes from the programme and the store's id for it (it survives
// renumbering and re-applies), its SEQUENCE is its version - 1, and a cancelled one stays
// in the file with STATUS:CANCELLED, so subscribers see it go rather than lose it.

#include "engine/calendar/programme_calendar.hpp"

#include <string>
#include <vector>

namespace ritme {

// `stamp` becomes each event's DTSTAMP: the moment the file was made.
std::string render_ics_calendar(const ProgrammeCalendar& plan, UtcInstant stamp);

// A stored session: "almere-vrouwen-2026-s17@ritme" (its store id). A calendar made from
// a file: "3-almere-vrouwen-2026@ritme" (its number). Either keeps its UID across exports.
std::string session_uid(const Programme& programme, const Session& session);

// One event of a subscribed calendar feed (/feed/TOKEN.ics): a session or an
// appointment as its subscriber may see it, in the feed's zone.
struct FeedEvent {
    std::string uid;
    std::string summary;
    std::string location;
    std::string description;
    LocalDateTime start;
    LocalDateTime end;
    bool cancelled = false;
    int sequence = 0;  // goes up with each change, so calendar apps take the newer one
};

struct FeedCalendar {
    std::string name;  // X-WR-CALNAME
    const TimeZone* zone = nullptr;
    std::vector<FeedEvent> events;
    // A VALARM per entry, this many minutes before each event that takes place.
    std::vector<int> alarm_minutes_before;
    // DTSTAMP of every event: when the feed's content last changed, so the same content
    // gives the same file (and ETag).
    UtcInstant stamp;
};

std::string render_ics_feed(const FeedCalendar& feed);

}  // namespace ritme
