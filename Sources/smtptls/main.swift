import SMTPTLSCLI

SMTPTLSCommand.runMain()
