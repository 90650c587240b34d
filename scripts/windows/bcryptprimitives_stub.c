/* Stand-in for Windows 10's bcryptprimitives.dll, which Wine 8 lacks.
 * Rust's standard library (since 1.78) draws random bytes from its ProcessPrng, so every
 * Rust extension imports it: cryptography's _rust.pyd fails to load without it
 * ("DLL load failed while importing _rust"). This one answers from the system's
 * cryptographic generator (BCryptGenRandom, which Wine has).
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -s -o bcryptprimitives.dll bcryptprimitives_stub.c -lbcrypt
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
    while (size > 0) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
