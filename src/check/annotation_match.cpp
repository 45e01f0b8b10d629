// Which expected/ entry belongs to which listing: by id, or by the code it
// was written for when blocks were inserted or removed before it
// (docs/contract.md); entries that find no listing are orphans.
#include "check/expectation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace snipcheck::check {

namespace {

// The chapter an entry belongs to: its id's `chNN/` prefix, else its file's name (chNN.toml).
std::optional<int> chapter_of(const Annotation& annotation)
{
  for (const std::string& name : {annotation.id, annotation.file.stem().string()}) {
    if (name.size() >= 3 && name.starts_with("ch") && std::isdigit(static_cast<unsigned char>(name[2])) != 0) {
      std::size_t end = 2;
      while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end])) != 0 && end < 8) {
        ++end;
      }
      if (end == name.size() || name[end] == '/') {
        return std::stoi(name.substr(2, end - 2));
      }
    }
  }
  return std::nullopt;
}

// Binds entries to listings in three passes, each only over what the one before left.
class Matcher
{
public:
  explicit Matcher(const book::Book& book)
    : m_book(book)
    , m_claimed(book.listings.size(), false)
  {
    for (std::size_t k = 0; k < book.listings.size(); ++k) {
      m_index_of.emplace(book.listings[k].id, k);
    }
  }

  // By id, when the code there is still the code it was written for.
  std::vector<const Annotation*> bind_by_id(const Annotations& annotations)
  {
    std::vector<const Annotation*> pending;
    for (const auto& [id, annotation] : annotations) {
      if (const auto index = named(annotation)) {
        const auto& listing = m_book.listings[*index];
        if (book::has_explicit_id(listing) || !annotation.fingerprint ||
            listing.matches_fingerprint(*annotation.fingerprint)) {
          bind(*index, annotation);
          continue;
        }
      }
      pending.push_back(&annotation);
    }
    return pending;
  }

  // Moved: the code it was written for stands under another id of its chapter.
  std::vector<const Annotation*> bind_moved(const std::vector<const Annotation*>& pending)
  {
    std::vector<const Annotation*> unmatched;
    for (const auto* annotation : pending) {
      if (const auto best = nearest_with_its_code(*annotation)) {
        bind(*best, *annotation);
      } else {
        unmatched.push_back(annotation);
      }
    }
    return unmatched;
  }

  // Changed in place: it stays on its id and is reported stale; else an orphan.
  MatchedAnnotations bind_changed(const std::vector<const Annotation*>& unmatched)
  {
    for (const auto* annotation : unmatched) {
      const auto index = named(*annotation);
      if (index && !m_claimed[*index]) {
        bind(*index, *annotation);
        continue;
      }
      m_matched.orphan_entries.push_back(annotation);
      m_matched.orphans.push_back({annotation->file, annotation->line, orphan_message(*annotation, index.has_value())});
    }
    std::stable_sort(m_matched.orphans.begin(), m_matched.orphans.end(),
                     [](const InputProblem& a, const InputProblem& b) {
                       return a.file != b.file ? a.file < b.file : a.line < b.line;
                     });
    return std::move(m_matched);
  }

private:
  void bind(std::size_t index, const Annotation& annotation)
  {
    m_claimed[index] = true;
    m_matched.by_listing.emplace(m_book.listings[index].id, annotation);
  }

  std::optional<std::size_t> named(const Annotation& annotation) const
  {
    const auto found = m_index_of.find(annotation.id);
    return found == m_index_of.end() ? std::nullopt : std::optional(found->second);
  }

  // The unclaimed listing of the entry's chapter nearest its id whose code matches its fingerprint.
  std::optional<std::size_t> nearest_with_its_code(const Annotation& annotation) const
  {
    const auto chapter = chapter_of(annotation);
    const auto near = named(annotation).value_or(0);
    const auto distance = [near](std::size_t at) { return at > near ? at - near : near - at; };
    std::optional<std::size_t> best;
    for (std::size_t k = 0; k < m_book.listings.size(); ++k) {
      const auto& listing = m_book.listings[k];
      if (m_claimed[k] || !annotation.fingerprint || (chapter && listing.chapter != *chapter) ||
          !listing.matches_fingerprint(*annotation.fingerprint)) {
        continue;
      }
      if (!best || distance(k) < distance(*best)) {
        best = k;
      }
    }
    return best;
  }

  std::string orphan_message(const Annotation& annotation, bool id_taken) const
  {
    const auto chapter = chapter_of(annotation);
    return fmt::format("[\"{}\"] matches no listing of {}: {}{}; delete the entry (`snipcheck bless` removes it and "
                       "prints what it said), or give the listing its id with a fence attribute `id=NAME`",
                       annotation.id, m_book.path.string(),
                       id_taken ? "its id now names other code, claimed by the entry that moved there"
                                : "no listing has that id (a typo, or the listing was removed)",
                       annotation.fingerprint
                           ? fmt::format(", and no listing{} has the code it was written for (fingerprint {})",
                                         chapter ? fmt::format(" of chapter {}", *chapter) : std::string(),
                                         *annotation.fingerprint)
                           : std::string());
  }

  const book::Book& m_book;
  std::map<std::string, std::size_t> m_index_of; // listing id -> position in the book
  std::vector<bool> m_claimed;
  MatchedAnnotations m_matched;
};

} // namespace

MatchedAnnotations match_annotations(const Annotations& annotations, const book::Book& book)
{
  Matcher matcher(book);
  const auto pending = matcher.bind_by_id(annotations);
  const auto unmatched = matcher.bind_moved(pending);
  return matcher.bind_changed(unmatched);
}

std::vector<InputProblem> orphan_annotations(const Annotations& annotations, const book::Book& book)
{
  return match_annotations(annotations, book).orphans;
}

std::optional<std::string> moved_note(const book::Listing& listing, const Expectation& expectation)
{
  if (!expectation.moved_from) {
    return std::nullopt;
  }
  return fmt::format("{}: its entry is still written as [\"{}\"] ({}:{}): the listing moved (blocks were inserted "
                     "or removed before it) and the entry followed its code; `snipcheck bless` rewrites the id",
                     listing.id, *expectation.moved_from, expectation.from, expectation.annotation_line);
}

} // namespace snipcheck::check
