#include "adapters/http/provider_preset.hpp"
