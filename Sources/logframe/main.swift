import LogframeCLI

LogframeCommand.main()
