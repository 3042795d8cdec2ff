#include "engine/daemon/gateway_calls.hpp"

namespace ritme {

namespace {

AnswerSetup answer_setup(const DaemonSetup& setup) {
    AnswerSetup answers = answer_setup_from(setup.config, setup.renderer->answer_words());
    // STOP moves her reminders to e-mail in the same transaction, not at the next plan.
    answers.planning = &setup.rules;
    return answers;
}

}  // namespace

GatewayCalls::GatewayCalls(Store& store, const DaemonSetup& setup, Log& log)
    : receipts_(store, setup.config, setup.channels, log), answers_(store, answer_setup(setup), log) {}

}  // namespace ritme
