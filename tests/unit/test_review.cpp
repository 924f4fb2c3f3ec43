// Unit tests for the review directory: init, import (atomic, idempotent,
// --skip-bad), rebuild, and the detection of an interrupted import. They run
// on the real PubMed files in corpora/pubmed-efetch.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

#include <litrev/error.hpp>
#include <litrev/review.hpp>

#include "testutil.hpp"

namespace fs = std::filesystem;
using litrev::ImportOptions;
using litrev::Review;

namespace {

std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(litrev::test::corpus("pubmed-efetch"))) {
    if (e.path().extension() == ".xml") {
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> run_dirs(const Review& review) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(review.sources_path())) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> search_keys(const Review& review, const std::string& q) {
  std::vector<std::string> out;
  for (const auto& h : review.open_index().search(q, {0, 1000}).hits) {
    out.push_back(h.record.key);
  }
  return out;
}

ImportOptions at(const char* now) {
  ImportOptions o;
  o.now = now;
  return o;
}

// A copy of the first `keep` bytes of `from`, to make a truncated file.
std::string truncated_copy(const litrev::test::TempDir& tmp, const std::string& from,
                           std::size_t keep) {
  const std::string path = tmp / (fs::path(from).stem().string() + "-truncated.xml");
  litrev::test::write_text(path, litrev::test::read_text(from).substr(0, keep));
  return path;
}

} // namespace

TEST_CASE("init creates the review directory; twice is refused", "[review]") {
  litrev::test::TempDir tmp;
  const std::string dir = tmp / "r";
  Review::init(dir, "Ketamine for SUD");
  CHECK(fs::is_directory(dir + "/sources"));
  CHECK(fs::is_directory(dir + "/ledger"));
  const auto protocol = nlohmann::json::parse(litrev::test::read_text(dir + "/litrev.json"));
  CHECK(protocol.at("title") == "Ketamine for SUD");
  CHECK(protocol.at("stages").size() == 2);
  CHECK_THROWS_AS(Review::init(dir, "again"), litrev::UsageError);
  CHECK_THROWS_WITH(Review(tmp / "elsewhere"), Catch::Contains("not a litrev review"));
  Review review(dir);
  CHECK_THROWS_WITH(review.open_index(), Catch::Contains("no records yet"));
}

TEST_CASE("import indexes every record and writes a manifest", "[review]") {
  litrev::test::TempDir tmp;
  Review::init(tmp / "r", "t");
  Review review(tmp / "r");
  const auto files = corpus_files();
  REQUIRE(files.size() == 13);
  const auto report = review.import_files(files, at("2026-11-21T06:30:12Z"));
  CHECK(report.run == "20261121T063012Z-import-01");
  CHECK(report.added == 15);
  CHECK(report.updated == 0);
  CHECK(report.skipped == 0);
  CHECK(review.open_index().size() == 15);

  const std::string run_dir = review.sources_path() + "/" + report.run;
  const auto manifest = nlohmann::json::parse(litrev::test::read_text(run_dir + "/manifest.json"));
  CHECK(manifest.at("run") == report.run);
  CHECK(manifest.at("kind") == "import");
  CHECK(manifest.at("created") == "2026-11-21T06:30:12Z");
  CHECK(manifest.at("files").size() == 13);
  CHECK(manifest.at("counts").at("records") == 15);
  // The first file, checked against `sha256sum` of the shipped copy.
  const auto& first = manifest.at("files").at(0);
  CHECK(first.at("name") == "efetch_biopython_pubmed1.xml");
  CHECK(first.at("sha256") == "69921c24c3b4fc76cc0933c0b81c7ecfd1b35b63fff816b04fceb22c749c9346");
  CHECK(first.at("records") == 2);
  // Raw bytes are kept as they were.
  CHECK(litrev::test::read_text(run_dir + "/efetch_biopython_pubmed1.xml") ==
        litrev::test::read_text(files[0]));

  const auto rec = review.open_index().get("pmid:31789841");
  REQUIRE(rec);
  CHECK(rec->provenance.run == report.run);
  CHECK(rec->provenance.file == "efetch_metapub_31789841.xml");
  CHECK(rec->provenance.position == 0);
}

TEST_CASE("re-importing the same bytes is a no-op", "[review]") {
  litrev::test::TempDir tmp;
  Review::init(tmp / "r", "t");
  Review review(tmp / "r");
  const auto files = corpus_files();
  const auto first = review.import_files({files[0]}, at("2026-11-21T06:30:12Z"));
  const auto again = review.import_files({files[0]}, at("2026-11-21T06:31:00Z"));
  CHECK(again.run.empty());
  REQUIRE(again.files.size() == 1);
  CHECK(again.files[0].already_imported);
  CHECK(again.files[0].previous_run == first.run);
  CHECK(run_dirs(review).size() == 1);
  // A copy under another name is the same bytes, so also a no-op.
  const std::string copy = tmp / "renamed.xml";
  fs::copy_file(files[0], copy);
  CHECK(review.import_files({copy}, at("2026-11-21T06:32:00Z")).run.empty());
}

TEST_CASE("a bad file anywhere in an import changes nothing", "[review]") {
  litrev::test::TempDir tmp;
  Review::init(tmp / "r", "t");
  Review review(tmp / "r");
  const auto files = corpus_files();
  const std::string bad = truncated_copy(tmp, files[1], 3000);
  try {
    review.import_files({files[0], bad, files[2]}, at("2026-11-21T06:30:12Z"));
    FAIL("expected a DataError");
  } catch (const litrev::DataError& e) {
    CHECK(e.file() == bad);
    CHECK(e.exit_code() == 65);
  }
  CHECK(run_dirs(review).empty());
  CHECK_FALSE(fs::exists(review.index_path()));

  CHECK_THROWS_WITH(review.import_files({files[0], tmp / "nosuch.xml"}, {}),
                    Catch::Contains("nosuch.xml") && Catch::Contains("no such file"));
  CHECK_THROWS_WITH(review.import_files({tmp.path().string()}, {}),
                    Catch::Contains("is a directory"));
  const std::string empty_set = tmp / "empty-set.xml";
  litrev::test::write_text(empty_set, "<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n</PubmedArticleSet>\n");
  CHECK_THROWS_WITH(review.import_files({empty_set}, {}),
                    Catch::Contains("no records found (read as pubmed-xml)"));
  CHECK(run_dirs(review).empty());
}

TEST_CASE("with skip_bad, import keeps the readable records and lists the rest", "[review]") {
  litrev::test::TempDir tmp;
  Review::init(tmp / "r", "t");
  Review review(tmp / "r");
  const auto files = corpus_files();
  // pubmed1 holds two records on one line; cut inside the second one.
  const std::string text = litrev::test::read_text(files[0]);
  const std::size_t second = text.find("<PubmedArticle>", text.find("</PubmedArticle>"));
  REQUIRE(second != std::string::npos);
  const std::string bad = truncated_copy(tmp, files[0], second + 200);
  ImportOptions o = at("2026-11-21T06:30:12Z");
  o.skip_bad = true;
  const auto report = review.import_files({bad, files[2]}, o);
  CHECK(report.skipped == 1);
  REQUIRE(report.files.size() == 2);
  CHECK(report.files[0].records == 1);
  REQUIRE(report.files[0].skipped.size() == 1);
  CHECK(report.files[0].skipped[0].line >= 1);
  CHECK_FALSE(report.files[0].skipped[0].problem.empty());
  CHECK(review.open_index().contains("pmid:12091962"));
  CHECK_FALSE(review.open_index().contains("pmid:9997"));
  // The rebuild replays the skip the same way.
  review.rebuild();
  CHECK(review.open_index().size() == report.added);
}

TEST_CASE("with skip_bad, a bad article in the middle skips that article only", "[review]") {
  litrev::test::TempDir tmp;
  Review::init(tmp / "r", "t");
  Review review(tmp / "r");
  const auto files = corpus_files();
  // pubmed2 holds two articles; remove the first one's PMID.
  std::string text = litrev::test::read_text(files[1]);
  const std::string pmid = "<PMID Version=\"1\">11748933</PMID>";
  const std::size_t where = text.find(pmid);
  REQUIRE(where != std::string::npos);
  text.erase(where, pmid.size());
  const std::string bad = tmp / "nopmid.xml";
  litrev::test::write_text(bad, text);

  CHECK_THROWS_AS(review.import_files({bad}, at("2026-11-21T06:30:12Z")), litrev::DataError);
  ImportOptions o = at("2026-11-21T06:30:12Z");
  o.skip_bad = true;
  const auto report = review.import_files({bad}, o);
  REQUIRE(report.files.size() == 1);
  CHECK(report.files[0].records == 1);
  REQUIRE(report.files[0].skipped.size() == 1);
  CHECK_THAT(report.files[0].skipped[0].problem, Catch::Contains("no PMID"));
  CHECK(review.open_index().contains("pmid:11700088"));
  CHECK(review.open_index().size() == 1);
  review.rebuild();
  CHECK(review.open_index().size() == 1);
}

TEST_CASE("rebuild recreates the index with the same answers", "[review]") {
  litrev::test::TempDir tmp;
  Review::init(tmp / "r", "t");
  Review review(tmp / "r");
  const auto files = corpus_files();
  review.import_files(std::vector<std::string>(files.begin(), files.begin() + 6), at("2026-11-21T06:30:12Z"));
  review.import_files(std::vector<std::string>(files.begin() + 6, files.end()), at("2026-11-21T06:40:00Z"));
  const std::vector<std::string> queries = {"ketamine", "depression OR thyroid", "year:2015..2020",
                                            "pt:review", "NOT cancer"};
  std::vector<std::vector<std::string>> before;
  for (const auto& q : queries) {
    before.push_back(search_keys(review, q));
  }
  CHECK_FALSE(before[0].empty());
  fs::remove_all(review.index_path());
  CHECK_THROWS_WITH(review.open_index(), Catch::Contains("litrev rebuild"));
  const auto r = review.rebuild();
  CHECK(r.runs == 2);
  CHECK(r.records == 15);
  for (std::size_t i = 0; i < queries.size(); ++i) {
    INFO(queries[i]);
    CHECK(search_keys(review, queries[i]) == before[i]);
  }
}

TEST_CASE("an interrupted import is detected and repaired by rebuild", "[review]") {
  litrev::test::TempDir tmp;
  Review::init(tmp / "r", "t");
  Review review(tmp / "r");
  const auto files = corpus_files();
  review.import_files({files[0]}, at("2026-11-21T06:30:12Z"));
  {
    // What a killed import leaves: the pending mark and a temporary run folder.
    litrev::Index index(review.index_path(), litrev::Index::Mode::write);
    index.set_metadata("litrev.pending_run", "20261121T063500Z-import-01");
    index.commit();
    fs::create_directories(review.sources_path() + "/.tmp-20261121T063500Z-import-01");
  }
  CHECK_THROWS_WITH(review.open_index(), Catch::Contains("interrupted"));
  review.rebuild();
  CHECK(review.open_index().size() == 2);
  CHECK(run_dirs(review).size() == 1);
}
