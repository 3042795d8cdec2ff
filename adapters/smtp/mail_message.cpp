#include "adapters/smtp/mail_message.hpp"
