; The Windows installer: Resilience-Setup-<version>.exe, built with NSIS from the PyInstaller
; bundle (packaging/windows/build_installer.py passes the defines below; `make windows-installer`
; runs it).
;
; Per user, no administrator rights: the app goes to %LOCALAPPDATA%\Programs\Resilience, a
; Start-menu shortcut to the tray app, an entry in "Installed apps" (HKCU), and, if chosen,
; start at login. The uninstaller removes exactly these and keeps the rep's journal in
; %LOCALAPPDATA%\resilience.
;
; Silent install for IT (the smoke test does the same under Wine):
;   Resilience-Setup-<version>.exe /S [/STARTATLOGIN] [/D=C:\path\to\Resilience]
;   "%LOCALAPPDATA%\Programs\Resilience\Uninstall.exe" /S
;
; Defines: VERSION (0.1.0), BUNDLE (the dist\...\Resilience folder), OUTFILE, ICON.

Unicode true
Target amd64-unicode  ; the bundle is 64-bit; a 64-bit installer also runs on wine64 alone
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true

!include MUI2.nsh
!include FileFunc.nsh
!include LogicLib.nsh

!define APP "Resilience"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Resilience"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP} installer"
VIAddVersionKey "LegalCopyright" "Copyright the Resilience authors. MIT License."

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\Resilience.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP} now"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "${APP}" SecApp
  SectionIn RO
  SetShellVarContext current
  ; An app started from an older install holds its files; it must quit first.
  ${If} ${FileExists} "$INSTDIR\Resilience.exe"
    ClearErrors
    Delete "$INSTDIR\Resilience.exe"
    ${If} ${Errors}
      MessageBox MB_OK|MB_ICONEXCLAMATION "${APP} is running. Quit it from its tray menu, then run the installer again." /SD IDOK
      SetErrorLevel 2
      Quit
    ${EndIf}
    RMDir /r "$INSTDIR"
  ${EndIf}
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\Resilience.exe" "" "$INSTDIR\Resilience.exe" 0 \
    SW_SHOWNORMAL "" "A calm break and a nudge back to the phone after a tough call"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "The Resilience authors"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\Resilience.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

; The app's own setting writes the Run value (the same code and command line as when the rep
; turns it on in Settings), so the setting and the value never disagree.
Section /o "Start at login" SecLogin
  nsExec::ExecToLog '"$INSTDIR\resilience-cli.exe" config set app.start_at_login on'
  Pop $0
  ${If} $0 != 0
    DetailPrint "Start at login could not be set (exit $0); turn it on in Settings."
  ${EndIf}
SectionEnd

Function .onInit
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/STARTATLOGIN" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecLogin} ${SF_SELECTED}
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  ClearErrors
  Delete "$INSTDIR\Resilience.exe"
  ${If} ${Errors}
    MessageBox MB_OK|MB_ICONEXCLAMATION "${APP} is running. Quit it from its tray menu, then uninstall again." /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  ; Start at login points into the folder about to go.
  DeleteRegValue HKCU "${RUN_KEY}" "${APP}"
  Delete "$SMPROGRAMS\${APP}.lnk"
  RMDir /r "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ; The journal in $LOCALAPPDATA\resilience is the rep's: it stays.
SectionEnd
