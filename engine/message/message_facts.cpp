#include "engine/message/message_facts.hpp"

#include <nlohmann/json.hpp>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>

namespace ritme {

namespace {

std::string payload_field(const std::string& payload, const char* field) {
    if (payload.empty()) return {};
    const auto json = nlohmann::json::parse(payload, nullptr, false);
    if (!json.is_object() || !json.contains(field) || !json[field].is_string()) return {};
    return json[field].get<std::string>();
}

// A change notice's "from": the state she was told (told_state()), as the planner put
// it in the payload. Nothing for another row, or a "from" ritme cannot read.
nlohmann::json told_from(const std::string& payload) {
    if (payload.empty()) return {};
    const auto json = nlohmann::json::parse(payload, nullptr, false);
    if (!json.is_object() || !json.contains("from") || !json["from"].is_object()) return {};
    return json["from"];
}

std::optional<LocalDateTime> session_start_in(const nlohmann::json& from) {
    if (!from.contains("date") || !from.contains("start")) return std::nullopt;
    try {
        const auto time = TimeOfDay::parse(from["start"].get<std::string>());
        if (!time) return std::nullopt;
        return LocalDateTime{boost::gregorian::from_simple_string(from["date"].get<std::string>()), *time};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

int64_t payload_number(const std::string& payload, const char* field) {
    if (payload.empty()) return 0;
    const auto json = nlohmann::json::parse(payload, nullptr, false);
    if (!json.is_object() || !json.contains(field) || !json[field].is_number_integer()) return 0;
    return json[field].get<int64_t>();
}

std::optional<UtcInstant> appointment_start_in(const nlohmann::json& from) {
    if (!from.contains("start_utc") || !from["start_utc"].is_string()) return std::nullopt;
    const std::string text = from["start_utc"].get<std::string>();  // "2026-03-05T08:30:00Z"
    if (text.size() < 19) return std::nullopt;
    try {
        return UtcInstant{boost::posix_time::from_iso_extended_string(text.substr(0, 19))};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

std::string first_name_of(const std::string& display_name) {
    const auto start = display_name.find_first_not_of(' ');
    if (start == std::string::npos) return {};
    return display_name.substr(start, display_name.find(' ', start) - start);
}

MessageFactsSource::MessageFactsSource(const Store& store, std::string default_timezone)
    : store_(store), default_timezone_(std::move(default_timezone)) {}

void MessageFactsSource::forget() {
    programmes_.clear();
    participants_.clear();
    sessions_.clear();
}

const TimeZone& MessageFactsSource::zone(const std::string& name) {
    auto& cached = zones_[name];
    if (!cached) cached = std::make_unique<TimeZone>(TimeZone::load(name));
    return *cached;
}

const Programme* MessageFactsSource::programme(const std::string& id) {
    auto found = programmes_.find(id);
    if (found == programmes_.end()) found = programmes_.emplace(id, store_.programme(id)).first;
    return found->second ? &*found->second : nullptr;
}

const Participant* MessageFactsSource::participant(const std::string& id) {
    auto found = participants_.find(id);
    if (found == participants_.end()) found = participants_.emplace(id, store_.participant(id)).first;
    return found->second ? &*found->second : nullptr;
}

std::optional<MessageFacts> MessageFactsSource::facts_for(const Delivery& delivery, std::string& why) {
    MessageFacts facts;
    facts.kind = delivery.kind;
    const Programme* programme = delivery.programme_id.empty() ? nullptr : this->programme(delivery.programme_id);
    if (!delivery.programme_id.empty() && !programme) {
        why = "programme " + delivery.programme_id + " is no longer in the database";
        return std::nullopt;
    }
    if (programme && programme->lead) {
        facts.lead_name = first_name_of(programme->lead->name);
        facts.lead_phone = programme->lead->phone;
    }

    if (delivery.kind == DeliveryKind::alert) {
        facts.first_name = facts.lead_name;
        facts.alert_participant = delivery.participant_id;
        facts.alert_reason = payload_field(delivery.payload, "reason");
        return facts;
    }

    const Participant* person = participant(delivery.participant_id);
    if (!person) {
        why = "participant " + delivery.participant_id + " is no longer in the database";
        return std::nullopt;
    }
    facts.first_name = first_name_of(person->name);
    if (delivery.kind == DeliveryKind::group) {
        const int64_t message_id = payload_number(delivery.payload, "group");
        const auto message = store_.group_message(message_id);
        if (!message) {
            why = "group message " + std::to_string(message_id) + " is no longer in the database";
            return std::nullopt;
        }
        facts.group_text = message->text_for(person->language);
        facts.group_language = message->language_for(person->language);
        return facts;
    }
    // A change notice, or a reminder a notice was joined into: what changed, and from what.
    facts.change = payload_field(delivery.payload, "change");

    // A confirmation to her, or her answer to the lead: about the session or appointment
    // the answer was matched to, when there was one.
    int64_t session_id = delivery.session_id;
    int64_t appointment_id = delivery.appointment_id;
    bool versioned = true;
    if (delivery.kind == DeliveryKind::confirmation || delivery.kind == DeliveryKind::answer_alert) {
        const int64_t answer_id = payload_number(delivery.payload, "answer");
        const auto answer = store_.answer(answer_id);
        if (!answer) {
            why = "answer " + std::to_string(answer_id) + " is no longer in the database";
            return std::nullopt;
        }
        session_id = answer->session_id;
        appointment_id = answer->appointment_id;
        versioned = false;
        facts.confirmation = payload_field(delivery.payload, "confirm");
        if (delivery.kind == DeliveryKind::answer_alert) {
            facts.first_name = facts.lead_name;
            facts.answer_from = person->name;
            facts.answer_words = answer->words;
            facts.answer_reading = std::string(name_of(answer->reading));
            facts.answer_too_late = answer->too_late;
        }
        if (session_id == 0 && appointment_id == 0) return facts;
    }

    if (session_id != 0) {
        auto cached = sessions_.find(session_id);
        // A confirmation names no version: the session as it is now.
        if (cached == sessions_.end() || !versioned || cached->second.version != delivery.session_version) {
            auto session = store_.session(session_id);
            if (!session) {
                why = "session " + std::to_string(session_id) + " is no longer in the database";
                return std::nullopt;
            }
            cached = sessions_.insert_or_assign(session_id, std::move(*session)).first;
        }
        const StoredSession& session = cached->second;
        facts.session_number = session.number;
        facts.start = {session.date, session.time.start};
        facts.end = session.time.end;
        if (programme) {
            if (const Location* location = programme->find_location(session.location)) {
                facts.location_name = location->name;
                facts.location_address = location->address;
            } else {
                facts.location_name = session.location;
            }
        }
        if (!facts.change.empty()) facts.previous_start = session_start_in(told_from(delivery.payload));
        return facts;
    }

    if (appointment_id != 0) {
        auto appointment = store_.appointment(appointment_id);
        if (!appointment) {
            why = "appointment " + std::to_string(appointment_id) + " is no longer in the database";
            return std::nullopt;
        }
        const TimeZone& local = zone(programme ? programme->timezone : default_timezone_);
        facts.start = local.to_local(appointment->start_utc);
        UtcInstant end = appointment->start_utc;
        end.utc += boost::posix_time::minutes(appointment->duration_minutes);
        facts.end = local.to_local(end).time;
        facts.location_address = appointment->where;
        facts.note = appointment->note;
        if (!facts.change.empty())
            if (const auto previous = appointment_start_in(told_from(delivery.payload)))
                facts.previous_start = local.to_local(*previous);
        return facts;
    }
    why = "the delivery names neither a session nor an appointment";
    return std::nullopt;
}

AddressLookup MessageFactsSource::address_for(const Delivery& delivery, Medium medium) {
    auto none = [](std::string why, bool opted_out = false) { return AddressLookup{std::nullopt, std::move(why), opted_out}; };
    if (delivery.kind == DeliveryKind::alert || delivery.kind == DeliveryKind::answer_alert) {
        const Programme* programme = this->programme(delivery.programme_id);
        if (!programme || !programme->lead) return none("the programme names no lead");
        const std::string& to = medium == Medium::sms ? programme->lead->phone : programme->lead->email;
        if (to.empty()) return none(std::string("the lead has no ") + (medium == Medium::sms ? "phone number" : "e-mail address"));
        return {MessageAddress{to, "nl"}, {}, false};
    }
    const Participant* person = participant(delivery.participant_id);
    if (!person) return none("participant " + delivery.participant_id + " is no longer in the database");
    if (medium == Medium::sms) {
        // After STOP, the confirmation of it is the one SMS telecom rules allow.
        const bool stop_confirmation =
            delivery.kind == DeliveryKind::confirmation && payload_field(delivery.payload, "confirm") == "stop";
        if (person->sms_opt_out && !stop_confirmation) return none("opted out of SMS", true);
        if (person->phone.empty()) return none("no phone number");
        return {MessageAddress{person->phone, person->language}, {}, false};
    }
    if (person->email.empty()) return none("no e-mail address");
    return {MessageAddress{person->email, person->language}, {}, false};
}

}  // namespace ritme
