#include "app/cache.hpp"
