#pragma once
// Fitting the track around the families: for every session, who cannot come and why,
// and per participant how many sessions they can attend.
//
// Three things keep a participant from a session:
//  - a standing commitment (weekly on that weekday, or on that date) overlaps the
//    session widened by the programme's travel margin on both sides;
//  - their children's school is closed that day while the programme meets (a study
//    day, a holiday of another region); a closure the programme shares does not count;
//  - the crèche has fewer places than the children of those who could otherwise come
//    (none when it is closed that weekday or the session lies outside its hours).
//
// Scarce crèche places are shared across the sessions, taken in date order: at each
// session the places go first to those left out most often at the sessions before,
// then to smaller families (so more mothers can come), then by id; a family that no
// longer fits is passed over for the next. So the same mothers are not left out every
// time (creche_rule below says it to the lead).
//
// The rules live in one place, FitGroup::decide(): the detailed report (report())
// and the fast path suggest() uses for hundreds of candidate calendars
// (count_attendable()) both call it.
//
// Participants' names appear in the report, which is for the lead's terminal; notes
// and exception messages name participants by their pseudonymous id only.

#include "engine/calendar/calendar.hpp"
#include "engine/holidays/closure_calendar.hpp"
#include "engine/holidays/school.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/participants/participant.hpp"
#include "engine/programme/programme.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ritme {

// The schools applied with `ritme apply`, by id.
using SchoolDirectory = std::map<std::string, School, std::less<>>;

enum class ObstacleKind { commitment, school_closed, no_childcare_place };
std::string_view name_of(ObstacleKind kind);  // "commitment", "school_closed", "no_childcare_place"

// One reason a participant cannot attend one session.
// How fit shares scarce crèche places, in the lead's words.
extern const std::string_view creche_rule;

struct Obstacle {
    ObstacleKind kind = ObstacleKind::commitment;
    // As the lead reads it: "taalles ma 09:00-12:00", "tandarts 2026-03-10 13:00-14:00",
    // "school dicht: voorjaarsvakantie (zuid)", "no crèche place: 14 children need a place,
    // the crèche has 6", "no crèche: closed on wednesday".
    std::string text;
    // What it comes from: the commitment's label, the closure's reason; empty for the crèche.
    std::string cause;

    bool operator==(const Obstacle&) const = default;
};

struct Absentee {
    std::string participant_id;
    std::string name;
    std::vector<Obstacle> reasons;  // weekly commitments by start, dated ones by start, school, crèche
};

// The crèche at one session: the children of those who could otherwise come, and its
// places then (0 when it is closed that weekday or the session lies outside its hours).
struct CrecheDemand {
    int children = 0;
    int places = 0;
    bool short_of_places() const { return children > places; }
};

struct SessionFit {
    int number = 0;
    Date date;
    TimeRange time;
    std::vector<Absentee> unable;  // in the order the participants were given
    std::optional<CrecheDemand> creche;  // empty without [childcare]
};

// How the crèche's places went at the sessions decided so far, in date order: decide()
// reads it to share places and adds to it. Start each calendar with a fresh one.
struct PlaceTurns {
    std::vector<int> left_out;     // per participant: sessions she could have come to but got no place
    std::vector<uint32_t> order;   // scratch, so deciding allocates nothing
};

struct ReasonCount {
    std::string reason;  // Obstacle::text
    ObstacleKind kind = ObstacleKind::commitment;
    int sessions = 0;    // sessions it keeps the participant from (a session may have several reasons)
};

struct ParticipantFit {
    std::string id;
    std::string name;
    int children_in_care = 0;
    std::string school_calendar;
    int attendable = 0;
    int total = 0;                     // sessions in the report
    std::vector<ReasonCount> reasons;  // most sessions first, then by text
};

struct FitReport {
    std::string programme_id;
    std::string programme_name;
    int travel_margin_minutes = 0;
    std::optional<int> childcare_places;  // empty: no [childcare], children not checked
    std::vector<SessionFit> sessions;     // cancelled sessions left out
    std::vector<ParticipantFit> participants;  // in the order given
    int attendable_sum = 0;  // sessions attendable, summed over participants
    int possible_sum = 0;    // sessions × participants
    int worst_off = 0;       // the lowest participant's attendable count (0 without participants)
    int worst_off_count = 0;  // how many participants have that count
    int short_sessions = 0;   // sessions where the crèche had fewer places than children
    // About the input, never naming a person: "participant p-…: school calendar "x" is …".
    std::vector<std::string> notes;
};

// The participants of one programme, prepared for fast checks over dates in [from, to]:
// commitments by weekday and date, and per school calendar the days its school is
// closed while the programme is not. One ClosureCalendar per distinct school calendar.
class FitGroup {
public:
    // `school_calendar` resolves as: "" (no check), a region name (that region's school
    // holidays and the public holidays of School::default_holidays()), or the id of a
    // school in `schools` (its ClosureRules). Anything else is a note and no check.
    FitGroup(const Programme& programme, const std::vector<Participant>& participants,
             const SchoolHolidayTable& school_holidays, const SchoolDirectory& schools, Date from, Date to);
    ~FitGroup();
    FitGroup(FitGroup&&) noexcept;
    FitGroup& operator=(FitGroup&&) noexcept;

    size_t size() const { return people_.size(); }
    const std::string& participant_id(size_t participant) const { return people_[participant].id; }
    const std::string& participant_name(size_t participant) const { return people_[participant].name; }
    const std::vector<std::string>& notes() const { return notes_; }
    Date from() const { return from_; }
    Date to() const { return to_; }

    // The fast path: adds to attendable[p] the sessions participant p can attend and
    // returns how many sessions were counted (cancelled ones are skipped). Sessions are
    // decided in date order, whatever order they come in. A few allocations per call,
    // none per session. `attendable.size()` must equal size().
    int count_attendable(std::span<const Session> sessions, std::span<int> attendable) const;

    // The detailed path: who cannot come to which session and why.
    FitReport report(const Programme& programme, std::span<const Session> sessions) const;

    // THE rule: decides for every participant whether they can attend a session on
    // `date` at `time` (local). attends[p] becomes 1 or 0. With `why` (size() vectors,
    // appended to), every reason is recorded; without, the check stops at the first.
    // The date must lie in [from(), to()] for school closures to be known. Call it for
    // a calendar's sessions in date order with one `turns`. Returns the crèche's
    // figures; nothing without [childcare].
    std::optional<CrecheDemand> decide(Date date, TimeRange time, std::span<uint8_t> attends,
                                       std::vector<Obstacle>* why, PlaceTurns& turns) const;
    // decide() in its two steps, for suggest(), which reuses the first across candidate
    // calendars: who is free (commitments, school), then who of them gets a crèche place.
    void decide_free(Date date, TimeRange time, std::span<uint8_t> attends, std::vector<Obstacle>* why) const;
    std::optional<CrecheDemand> share_places(Date date, TimeRange time, std::span<uint8_t> attends,
                                             std::vector<Obstacle>* why, PlaceTurns& turns) const;
    // Whether the crèche can have fewer places than children at a session inside its
    // hours: when the participants' children together outnumber its places.
    bool places_may_run_short() const { return places_ && children_in_care_ > *places_; }

private:
    struct Interval {
        int16_t start;  // minutes
        int16_t end;
        uint32_t commitment;  // index into Person::commitments
    };
    struct DatedInterval {
        int32_t day;  // days since from_
        Interval time;
    };
    struct Person {
        std::string id;
        std::string name;
        int children = 0;
        std::array<std::vector<Interval>, 7> weekly;  // by weekday, by start
        std::vector<DatedInterval> dated;             // by day, then start
        std::vector<Commitment> commitments;          // for reason texts
        int school = -1;  // index into schools_, or -1: no check
    };
    struct SchoolClosures;

    bool free_for(const Person& person, int weekday, int32_t day, int lo, int hi, std::vector<Obstacle>* why) const;

    Date from_, to_;
    int margin_ = 0;
    std::optional<int> places_;
    std::array<std::optional<TimeRange>, 7> creche_window_;  // by weekday: where a session may lie; empty: closed
    int children_in_care_ = 0;
    std::vector<Person> people_;
    std::vector<uint32_t> childcare_order_;  // people with children, fewest first, ties by id
    std::vector<std::unique_ptr<SchoolClosures>> schools_;
    std::vector<std::string> notes_;
};

// The reason text for a commitment: "taalles ma 09:00-12:00", "tandarts 2026-03-10 13:00-14:00".
std::string commitment_text(const Commitment& commitment);

// Who cannot attend which of `sessions` (cancelled ones are skipped) and why; per
// participant the sessions they can attend. The school calendars cover the first to
// the last session date.
FitReport fit(const Programme& programme, const std::vector<Session>& sessions,
              const std::vector<Participant>& participants, const SchoolHolidayTable& school_holidays,
              const SchoolDirectory& schools);

}  // namespace ritme
