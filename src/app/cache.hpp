#pragma once
// Result cache (placeholder until the cache lands).
