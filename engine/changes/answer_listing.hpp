#pragma once
// Answers as the lead reads them: which are still waiting for the lead (the message that
// tells them not yet sent, failed, or no lead to tell), for `ritme status`; and a
// participant's answers with what became of each, for `ritme participant show`.

#include "engine/store/store.hpp"

#include <string>
#include <vector>

namespace ritme {

struct WaitingAnswer {
    StoredAnswer answer;
    std::string why;  // "no lead to tell", "not sent yet (retry)", "failed: HTTP 503"
};

// Answers the lead is to hear of and has not heard of yet, oldest first.
std::vector<WaitingAnswer> answers_waiting_for_lead(const Store& store);

// "read as cannot_come, about test#s3; the lead told (sent)": what an answer came to,
// without her words.
std::string answer_outcome(const Store& store, const StoredAnswer& answer);

}  // namespace ritme
