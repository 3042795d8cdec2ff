#include "engine/message/template_preview.hpp"
