#include "app/pipeline.hpp"

#include "build/build_lock.hpp"
#include "build/build_stage.hpp"
#include "build/cache.hpp"
#include "run/run_programs.hpp"
#include "app/plan.hpp"
#include "cargo/cargo.hpp"
#include "cargo/toolchain_cache.hpp"
#include "check/test_mode.hpp"
#include "lint/lint_config.hpp"
#include "scratch/workspace.hpp"
#include "util/errors.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <future>

namespace snipcheck::app {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start)
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

std::vector<ToolchainInfo> resolve_toolchains(const Options& options, cargo::CommandRunner& runner)
{
  std::vector<ToolchainInfo> toolchains;
  auto names = options.toolchains;
  if (names.empty()) {
    names.push_back("");
  }
  for (const auto& name : names) {
    ToolchainInfo info;
    info.argument = name;
    try {
      // Kept in the build folder, one file per name asked for: re-asked whenever an input changed.
      const auto cache_file = options.build_dir / fmt::format("toolchain-{}.json", text::fnv1a_hex(name));
      auto resolved = cargo::resolve_toolchain_cached(runner, name, cache_file);
      info.rustc_verbose = std::move(resolved.verbose_version);
      info.bin = std::move(resolved.bin);
    } catch (const Fatal&) {
      if (options.toolchain_pin && name == options.toolchain_pin->channel) {
        const auto nearest = nearest_installed_toolchain(name);
        const auto instead =
            nearest ? fmt::format("choose the nearest installed one with --toolchain {0} (or RUSTUP_TOOLCHAIN={0})",
                                  *nearest)
                    : std::string("choose another with --toolchain");
        throw Fatal(fmt::format("the book pins toolchain `{0}` in {1}, and it is not installed.\n"
                                "Install it with `rustup toolchain install {0}`, or {2}",
                                name, options.toolchain_pin->file.string(), instead));
      }
      throw;
    }
    info.rustc = text::split_lines(info.rustc_verbose).front();
    if (!name.empty()) {
      info.name = name;
    } else if (info.rustc.find("nightly") != std::string::npos) {
      info.name = "nightly";
    } else if (info.rustc.find("beta") != std::string::npos) {
      info.name = "beta";
    } else {
      info.name = "stable";
    }
    toolchains.push_back(std::move(info));
  }
  return toolchains;
}

// A cached result was placed in whatever book held the listing then; the same
// text may now stand at other lines (or in a copy of the book): place it again.
void relocate(check::Observed& observed, const book::Listing& listing)
{
  for (auto& diagnostic : observed.diagnostics) {
    diagnostic.book_file = listing.files.front();
    diagnostic.book_line = 0;
    if (diagnostic.listing_line > 0 && diagnostic.listing_line <= static_cast<int>(listing.lines.size())) {
      const auto& line = listing.lines[static_cast<std::size_t>(diagnostic.listing_line - 1)];
      diagnostic.book_line = line.source_line;
      diagnostic.book_file = listing.files.at(static_cast<std::size_t>(line.file_index));
    }
  }
}

// A listing whose crate cargo could not resolve was not built: bad input at its
// expected/ entry, or, for a crate of the book's [dependencies], at snipcheck.toml.
void report_unresolved_dependency(const build::BuildItem& item, ListingResult& result,
                                  const check::Annotations& annotations, const Options& options)
{
  const auto& unresolved = *item.unresolved_dependency;
  const auto& own = result.expectation.deps;
  const bool own_dependency =
      std::any_of(own.begin(), own.end(), [&](const auto& d) { return d.name == unresolved.crate; });
  if (!own_dependency) {
    throw InputError(
        options.config_file, 0,
        fmt::format("[dependencies] `{}` cannot be resolved by cargo:{}", unresolved.crate, unresolved.cargo_error));
  }
  const auto* annotation = check::find_annotation(annotations, result.listing->id);
  result.bad_input.push_back({annotation != nullptr ? annotation->file : result.listing->files.front(),
                              annotation != nullptr ? annotation->line : result.listing->fence_line,
                              fmt::format("`deps` asks for crate `{}`, which cargo cannot resolve:{}", unresolved.crate,
                                          unresolved.cargo_error)});
}

} // namespace

book::ReadSettings book_read_settings(const Options& options)
{
  const auto config_folder = options.config_file.empty() ? std::filesystem::path() : options.config_file.parent_path();
  auto roots = book::project_roots(options.book, config_folder);
  roots.insert(roots.end(), options.include_roots.begin(), options.include_roots.end());
  return {roots};
}

LoadedBook load_book(const Options& options)
{
  if (options.book.empty()) {
    throw InputError({}, 0,
                     "no book given: no book.toml (mdBook) here or above, and no snipcheck.toml with `book`; "
                     "pass --book PATH, or write a snipcheck.toml with `snipcheck init`");
  }
  LoadedBook loaded{book::read_book(options.book, book_read_settings(options)),
                    check::load_expectations(options.expected)};
  if (loaded.book.listings.empty()) {
    throw InputError(options.book, 0, "no code listings found in the book");
  }
  check::read_claimed_blocks_as_rust(loaded.book, options.markdown);
  loaded.markdown = options.markdown;
  loaded.format = loaded.book.format;
  loaded.module_names = loaded.book.module_names;
  loaded.output_blocks = check::find_output_blocks(loaded.book, options.markdown);
  // Entries follow their listings' code (docs/contract.md): re-key them by today's ids.
  auto matched = check::match_annotations(loaded.annotations, loaded.book);
  if (!matched.orphans.empty()) {
    throw InputError(matched.orphans);
  }
  loaded.annotations = std::move(matched.by_listing);
  return loaded;
}

namespace {

// One toolchain x edition of the matrix, and the results it owns.
struct Cell
{
  const ToolchainInfo* toolchain = nullptr;
  std::string edition;
  std::vector<std::size_t> result_indexes;
};

// What one cell still has to build: the items the cache could not answer.
struct CellWork
{
  std::vector<build::BuildItem> items;
  std::vector<std::size_t> item_result; // item index -> result index
  std::vector<std::size_t> item_form;   // item index -> form index
  std::vector<std::string> item_keys;   // item index -> cache key
  int total = 0;                        // results and extra forms: what progress counts
};

// What every cache key of the run shares beyond the toolchain (computed once).
struct BuildIdentity
{
  std::string registry_digest;
  std::string build_setup;
};

// run_check's steps, over the state they share.
class Checker
{
public:
  Checker(const Options& options, cargo::CommandRunner& runner, const Log& log, const ProgressFn& progress,
          CheckRun& run, const LoadedBook& loaded, BuildIdentity identity, util::PhaseTimer& timer)
    : m_options(options)
    , m_runner(runner)
    , m_log(log)
    , m_progress(progress)
    , m_run(run)
    , m_loaded(loaded)
    , m_cache(options.build_dir / "cache")
    , m_identity(std::move(identity))
    , m_timer(timer)
  {}

  // Results first (their addresses stay put), then the units that point at them.
  std::vector<Cell> add_results(const std::vector<const book::Listing*>& selected)
  {
    std::vector<Cell> cells;
    // Grown once: a ListingResult is large, and growing by doubling moved each several times.
    m_run.results.reserve(m_run.results.size() + m_run.toolchains.size() * m_run.editions.size() * selected.size());
    for (const auto& toolchain : m_run.toolchains) {
      for (const auto& edition : m_run.editions) {
        Cell cell{&toolchain, edition, {}};
        for (const auto* listing : selected) {
          ListingResult result;
          result.listing = listing;
          result.toolchain = toolchain.name;
          result.expectation = m_loaded.expectation(*listing, {toolchain.name, edition});
          result.edition = result.expectation.edition.value_or(edition);
          cell.result_indexes.push_back(m_run.results.size());
          m_run.results.push_back(std::move(result));
        }
        cells.push_back(std::move(cell));
      }
    }
    m_forms.resize(m_run.results.size());
    m_form_observed.resize(m_run.results.size());
    return cells;
  }

  void check_cell(const Cell& cell)
  {
    const auto name = check::cell_name(cell.toolchain->name, cell.edition);
    const auto planning = util::PhaseTimer::start();
    m_lookups = {"cache lookup", name, 0, 0, {}, {}};
    auto work = plan_cell(cell);
    m_timer.add({"plan",
                 name,
                 0,
                 static_cast<long>(cell.result_indexes.size()),
                 std::chrono::duration_cast<std::chrono::microseconds>(util::PhaseTimer::Clock::now() - planning.wall) -
                     m_lookups.wall,
                 {}});
    m_timer.add(m_lookups);
    const int cached = work.total - static_cast<int>(work.items.size());
    const build::StageProgress stage_progress = [&](const std::string& phase, int finished) {
      if (m_progress) {
        m_progress({name, phase, cached + finished, work.total});
      }
    };
    // A batched run that would not pass is confirmed alone before it is reported or cached.
    const build::AcceptBatchedRun accept = [&](const build::BuildItem& item) {
      const auto& result = m_run.results[work.item_result[static_cast<std::size_t>(&item - work.items.data())]];
      const auto verdict = check::compare(result.expectation, item.observed, result.listing->fingerprint());
      return std::holds_alternative<check::verdict::Pass>(verdict);
    };
    build::BuildSettings settings{m_options.build_dir,
                                  m_options.registry_directory,
                                  m_options.jobs,
                                  m_options.merge ? build::MergeListings::yes : build::MergeListings::no,
                                  run::RunSettings{m_options.timeout_seconds, m_options.jobs},
                                  m_options.compile_timeout_seconds};
    settings.registry_digest = m_identity.registry_digest;
    settings.timer = &m_timer;
    settings.clippy_flags = m_options.clippy_flags;
    if (m_options.clippy_flags) {
      settings.confirm_alone = lint::confirm_alone;
    }
    // Cached as each listing finishes: a run killed half-way keeps what it did.
    const build::ItemFinished store = [&](const build::BuildItem& item) {
      const auto storing = util::PhaseTimer::Clock::now();
      m_cache.store(work.item_keys[static_cast<std::size_t>(&item - work.items.data())], item.observed);
      // Wall time only: programs of other slots end meanwhile, and their CPU is the runs'.
      m_timer.add({"cache store",
                   name,
                   0,
                   1,
                   std::chrono::duration_cast<std::chrono::microseconds>(util::PhaseTimer::Clock::now() - storing),
                   {}});
    };
    build::build_cell(work.items, {cell.toolchain, cell.edition}, settings, m_runner, m_log, stage_progress, accept,
                      store);
    if (m_progress) {
      m_progress({name, "done", work.total, work.total});
    }
    keep_built(work);
  }

  // Every result's verdict, from what its forms did (or why it was not built).
  void judge()
  {
    const auto judging = util::PhaseTimer::start();
    for (std::size_t index = 0; index < m_run.results.size(); ++index) {
      auto& result = m_run.results[index];
      if (!m_forms[index].empty()) {
        auto observed = check::combine_forms(m_forms[index], std::move(m_form_observed[index]));
        if (result.expectation.outcome == check::Outcome::skip) {
          result.probe = std::move(observed);
        } else {
          result.observed = std::move(observed);
        }
      }
      result.verdict = check::compare(result.expectation, result.observed, result.listing->fingerprint());
      result.verdict = check::check_output_block(std::move(result.verdict), result.expectation, result.observed);
      if (!result.bad_input.empty()) {
        std::vector<std::string> messages;
        for (const auto& problem : result.bad_input) {
          messages.push_back(problem.to_string());
        }
        result.verdict = check::verdict::BadInput{fmt::format("{}", fmt::join(messages, "\n"))};
      }
    }
    m_timer.stop(judging, "compare", static_cast<long>(m_run.results.size()));
  }

private:
  // Each result is built in one or more forms (test mode: docs/claims.md); an
  // ignored block is built once, as a probe, for --ignored. The cache answers what it can.
  CellWork plan_cell(const Cell& cell)
  {
    CellWork work;
    for (const auto index : cell.result_indexes) {
      auto& result = m_run.results[index];
      const bool probe = m_options.inventory && check::is_unclaimed_ignored(*result.listing, result.expectation);
      result.bad_input = result.listing->problems; // e.g. a missing {{#include}}: not built
      ++work.total;
      if ((!is_built(result.expectation) && !probe) || !result.bad_input.empty()) {
        continue;
      }
      if (m_options.clippy_flags && result.expectation.outcome == check::Outcome::compile_fail) {
        continue; // not linted: the book shows code that is meant not to compile
      }
      auto expectation = result.expectation;
      if (probe) {
        expectation.outcome = check::Outcome::compile; // what it does today, without running it
        expectation.test_mode = false;
      }
      m_forms[index] = check::build_forms(*result.listing, expectation);
      m_form_observed[index].resize(m_forms[index].size());
      work.total += static_cast<int>(m_forms[index].size()) - 1;
      for (std::size_t f = 0; f < m_forms[index].size(); ++f) {
        plan_form(cell, index, f, expectation, work);
      }
    }
    return work;
  }

  void plan_form(const Cell& cell, std::size_t index, std::size_t f, const check::Expectation& expectation,
                 CellWork& work)
  {
    auto& result = m_run.results[index];
    const auto& listing = *result.listing;
    const auto& form = m_forms[index][f];
    build::BuildItem item;
    item.unit = unit_for(m_options, listing, result.expectation, form.wrap, result.edition);
    if (f == 0) {
      result.source = item.unit.source;
    }
    item.unit.test_harness = form.test_harness;
    const bool lint = m_options.clippy_flags.has_value();
    item.runs = form.runs && !lint; // lint reads what the compiler says; nothing needs to run
    // compile_fail listings share batches when a batch can settle their failures (build_pass.hpp):
    // not for lint runs, whose batches carry no analysis marker.
    item.expected_to_fail = expectation.outcome == check::Outcome::compile_fail;
    item.mergeable = (!item.expected_to_fail || !lint) && form.wrap.crate_type == scratch::CrateType::bin &&
                     !item.unit.test_harness &&
                     !listing.fence.standalone_crate && scratch::can_merge(item.unit.source) &&
                     (!lint || lint::can_merge_for_lint(item.unit.source));
    build::CacheContext context{cell.toolchain->rustc_verbose, m_options.registry_directory, item.runs,
                         m_options.timeout_seconds, item.unit.test_harness, m_options.compile_timeout_seconds};
    context.registry_digest = m_identity.registry_digest;
    context.build_setup = m_identity.build_setup;
    context.clippy_flags = m_options.clippy_flags;
    auto key = build::cache_key(item.unit, context);
    if (m_options.use_cache) {
      const auto looking = util::PhaseTimer::Clock::now();
      auto cached = m_cache.load(key);
      m_lookups.wall += std::chrono::duration_cast<std::chrono::microseconds>(util::PhaseTimer::Clock::now() - looking);
      ++m_lookups.count;
      if (cached) {
        m_form_observed[index][f] = std::move(*cached);
        relocate(m_form_observed[index][f], listing);
        return;
      }
    }
    work.items.push_back(std::move(item));
    work.item_result.push_back(index);
    work.item_form.push_back(f);
    work.item_keys.push_back(std::move(key));
  }

  // What the cell built goes to its result's form (it is in the cache already).
  void keep_built(CellWork& work)
  {
    for (std::size_t k = 0; k < work.items.size(); ++k) {
      auto& result = m_run.results[work.item_result[k]];
      if (work.items[k].unresolved_dependency) {
        report_unresolved_dependency(work.items[k], result, m_loaded.annotations, m_options);
        continue; // nothing to cache
      }
      result.duration += work.items[k].duration;
      m_form_observed[work.item_result[k]][work.item_form[k]] = std::move(work.items[k].observed);
    }
  }

  const Options& m_options;
  cargo::CommandRunner& m_runner;
  const Log& m_log;
  const ProgressFn& m_progress;
  CheckRun& m_run;
  const LoadedBook& m_loaded;
  const build::ResultCache m_cache;
  const BuildIdentity m_identity;
  util::PhaseTimer& m_timer;
  util::PhaseTime m_lookups;                                 // the cache lookups of the cell being planned
  std::vector<std::vector<check::BuildForm>> m_forms;        // by result index
  std::vector<std::vector<check::Observed>> m_form_observed; // by result index, then form
};

} // namespace

namespace {

// What check_planned waits for: asked while the book is read.
struct SetupQuestions
{
  std::future<std::vector<ToolchainInfo>> toolchains;
  std::future<std::string> build_setup; // cargo::build_setup_identity(), its isolation probe
};

// Both at once, and at once: each takes as long as reading a book, and the
// probe's fork is cheapest before the book fills snipcheck's memory.
SetupQuestions ask_setup(const Options& options, cargo::CommandRunner& runner)
{
  return {std::async(std::launch::async, [&] { return resolve_toolchains(options, runner); }),
          std::async(std::launch::async, [] { return cargo::build_setup_identity(); })};
}

// Checks a plan read and selected already (`reading` started with the read);
// the toolchains and the build setup are being asked for meanwhile.
CheckRun check_planned(const Options& options, Plan plan, SetupQuestions setup, cargo::CommandRunner& runner,
                       const Log& log, const ProgressFn& progress, Clock::time_point started,
                       util::PhaseTimer::Start reading)
{
  util::PhaseTimer timer;
  timer.stop(reading, "read", static_cast<long>(plan.selected.size()));
  const auto setting_up = util::PhaseTimer::start();
  for (const auto& notice : plan.loaded.book.notices) {
    log(fmt::format("notice: {}", notice.to_string()));
  }
  CheckRun run;
  run.book = std::move(plan.loaded.book); // the selected listings stay where they are
  run.toolchains = setup.toolchains.get();
  run.editions = std::move(plan.editions);
  const BuildIdentity identity{build::registry_digest(options.registry_directory), setup.build_setup.get()};
  if (const auto isolation = cargo::compile_isolation(); !isolation.isolated) {
    log(fmt::format("notice: cargo and rustc run without isolation ({}): a listing's compile-time code sees "
                    "and may write what you can; its verdicts are cached apart from isolated ones",
                    isolation.why_not));
  }

  const auto lock = build::BuildLock::acquire(options.build_dir, log);
  timer.stop(setting_up, "toolchains and lock");
  Checker checker(options, runner, log, progress, run, plan.loaded, identity, timer);
  for (const auto& cell : checker.add_results(plan.selected)) {
    checker.check_cell(cell);
  }
  checker.judge();
  run.duration = since(started);
  run.timings = timer.timings(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started));
  return run;
}

} // namespace

CheckRun run_check(const Options& options, cargo::CommandRunner& runner, const Log& log, const ProgressFn& progress)
{
  const auto started = Clock::now();
  const auto reading = util::PhaseTimer::start();
  // The book's problems (exit 2) are still reported before a missing toolchain's.
  auto setup = ask_setup(options, runner);
  auto plan = plan_run(options);
  return check_planned(options, std::move(plan), std::move(setup), runner, log, progress, started, reading);
}

CheckRun run_check(const Options& options, Plan plan, cargo::CommandRunner& runner, const Log& log)
{
  const auto started = Clock::now();
  const auto reading = util::PhaseTimer::start();
  return check_planned(options, std::move(plan), ask_setup(options, runner), runner, log, {}, started, reading);
}

} // namespace snipcheck::app
