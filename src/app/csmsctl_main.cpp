// csmsctl: thin main; everything lives in src/ctl (see ctl/cli.hpp).
#include "ctl/cli.hpp"

#include <iostream>

int main(int argc, char** argv)
{
    return csms::ctl::run(argc, argv, std::cout, std::cerr);
}
