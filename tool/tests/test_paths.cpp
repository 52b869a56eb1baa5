#include <catch2/catch.hpp>

#include "podcast/paths.hpp"
#include "support.hpp"

using podcast::LayoutKind;
using podcast::testing::TempDir;
using podcast::testing::write_file;

SCENARIO("a binary finds its installation from its own path", "[paths]") {
    GIVEN("a prefix holding bin/podcast and share/podcast/warehouse/dbt_project.yml") {
        TempDir dir;
        const auto prefix = dir / "opt";
        write_file(prefix / "share/podcast/warehouse/dbt_project.yml", "name: podcast\n");
        const auto data_home = dir / "home/.local/share/podcast";
        WHEN("the binary in its bin/ looks for its layout") {
            const auto found =
                podcast::layout_for(prefix / "bin/podcast", "", "/src/podcast", data_home);
            THEN("it is installed: the project is under share/, the data in the data home") {
                REQUIRE(LayoutKind::installed == found.kind);
                REQUIRE(prefix / "share/podcast" == found.root);
                REQUIRE(prefix / "share/podcast/warehouse" == found.dbt_project);
                REQUIRE(data_home == found.data);
                REQUIRE(prefix / "lib/podcast/venv/bin/dbt" == found.dbt);
            }
        }
        WHEN("PODCAST_HOME names a checkout") {
            const auto found = podcast::layout_for(prefix / "bin/podcast", "/home/me/podcast",
                                                   "/src/podcast", data_home);
            THEN("the checkout wins, with its own data and dbt") {
                REQUIRE(LayoutKind::checkout == found.kind);
                REQUIRE(std::filesystem::path("/home/me/podcast/warehouse") == found.dbt_project);
                REQUIRE(std::filesystem::path("/home/me/podcast/data") == found.data);
                REQUIRE(std::filesystem::path("/home/me/podcast/.venv/bin/dbt") == found.dbt);
            }
        }
    }
    GIVEN("a binary in a bin/ without a dbt project beside it, and one in a build tree") {
        TempDir dir;
        for (const auto& executable : {dir / "usr/bin/podcast", dir / "src/build/podcast"}) {
            const auto found = podcast::layout_for(executable, "", "/src/podcast", dir / "data");
            THEN("each is a checkout: the source tree it was built from") {
                REQUIRE(LayoutKind::checkout == found.kind);
                REQUIRE(std::filesystem::path("/src/podcast") == found.root);
                REQUIRE(std::filesystem::path("/src/podcast/data") == found.data);
            }
        }
    }
}
