import LogframeCLI

LogframeCommand.runMain()
