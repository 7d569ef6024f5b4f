// glibc 2.35 added new versions of hypot/hypotf; a static Swift stdlib built on a newer glibc then
// needs GLIBC_2.35 and will not start on Amazon Linux 2023 (glibc 2.34). Defining the symbols here,
// bound to their original versions, keeps the binary's requirement at 2.34.
#if defined(__linux__) && defined(__x86_64__)
__asm__(".symver ranchhand_hypot_old, hypot@GLIBC_2.2.5");
__asm__(".symver ranchhand_hypotf_old, hypotf@GLIBC_2.2.5");
double ranchhand_hypot_old(double, double);
float ranchhand_hypotf_old(float, float);
double hypot(double x, double y) { return ranchhand_hypot_old(x, y); }
float hypotf(float x, float y) { return ranchhand_hypotf_old(x, y); }
#elif defined(__linux__) && defined(__aarch64__)
__asm__(".symver ranchhand_hypot_old, hypot@GLIBC_2.17");
__asm__(".symver ranchhand_hypotf_old, hypotf@GLIBC_2.17");
double ranchhand_hypot_old(double, double);
float ranchhand_hypotf_old(float, float);
double hypot(double x, double y) { return ranchhand_hypot_old(x, y); }
float hypotf(float x, float y) { return ranchhand_hypotf_old(x, y); }
#endif
