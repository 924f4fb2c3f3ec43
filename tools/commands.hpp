// The command table's types. Each cmd_<name>.cpp defines one `define_<name>`
// that adds its options to its CLI11 subcommand and returns the function
// that runs it; main.cpp lists them all in one table, which also makes --help.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace litrev::cli {

// What every command gets from the dispatcher.
struct Context {
  std::string dir = ".";   // the review directory (-C DIR)
  std::string command_line; // argv joined, for manifests
};

// Runs the command; returns the exit code. Errors are thrown (litrev::Error)
// and turned into a message and an exit code by main().
using Runner = std::function<int(Context&)>;

struct Command {
  const char* name;
  const char* summary;
  Runner (*define)(CLI::App&);
};

Runner define_init(CLI::App& app);
Runner define_import(CLI::App& app);
Runner define_fetch(CLI::App& app);
Runner define_rebuild(CLI::App& app);
Runner define_search(CLI::App& app);
Runner define_thesaurus(CLI::App& app);
Runner define_index(CLI::App& app);
Runner define_show(CLI::App& app);
Runner define_export(CLI::App& app);
Runner define_dedup(CLI::App& app);
Runner define_verify(CLI::App& app);
Runner define_meta(CLI::App& app);
Runner define_screen(CLI::App& app);
Runner define_decide(CLI::App& app);
Runner define_resolve(CLI::App& app);
Runner define_retrieval(CLI::App& app);
Runner define_conflicts(CLI::App& app);
Runner define_progress(CLI::App& app);
Runner define_rank(CLI::App& app);
Runner define_prisma(CLI::App& app);
Runner define_agreement(CLI::App& app);
Runner define_rob(CLI::App& app);
Runner define_simulate(CLI::App& app);
Runner define_stop_check(CLI::App& app);
Runner define_grade(CLI::App& app);
Runner define_sof(CLI::App& app);
Runner define_serve(CLI::App& app);

} // namespace litrev::cli
