<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#import "kinga-mfa-commons.ftl" as mfa>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('backup_code'); section>
<!-- template: kinga-backup-code.ftl -->
    <#if section = "header">
        ${msg("kingaBackupCodeTitle")}
    <#elseif section = "form">
        <form id="kinga-backup-code-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <input type="hidden" name="mode" value="backup"/>
            <p id="kinga-backup-code-instruction">${msg("kingaBackupCodeInstruction", kingaMfa.backupCodesLeft?c)}</p>
            <@field.input name="backup_code" label=msg("kingaBackupCode") fieldName="backup_code" autofocus=true required=true />
            <@mfa.trustDevice/>
            <@buttons.actionGroup>
                <@buttons.button id="kinga-backup-code-submit" name="login" label="doLogIn" />
            </@buttons.actionGroup>
            <#if kingaMfa.hasTotp>
                <@buttons.actionGroup>
                    <@buttons.button id="kinga-use-totp" name="use_totp" label="kingaUseTotp" type="link" />
                </@buttons.actionGroup>
            </#if>
        </form>
    </#if>
</@layout.registrationLayout>
