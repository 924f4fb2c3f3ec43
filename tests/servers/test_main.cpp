// The Catch2 main for litrev_servers_test.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
